import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from '@temporalio/worker';

const levels: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/** Sets the SDK's log level once per process (BATON_LOG_LEVEL overrides the given default). */
export function installRuntimeLogger(defaultLevel: LogLevel): void {
  const wanted = (process.env.BATON_LOG_LEVEL ?? defaultLevel).toUpperCase();
  const level = levels.find((l) => l === wanted) ?? defaultLevel;
  Runtime.install({
    logger: new DefaultLogger(level),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: level }), forward: {} } },
  });
}

import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';

/**
 * Connection settings from Temporal's environment configuration (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the config
 * file), so one worker runs against the sandbox, a Temporal cluster or Temporal Cloud.
 */
export function connectSettings(): {
  connectionOptions: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
  namespace: string;
} {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  return { connectionOptions, namespace: namespace ?? 'default' };
}

export async function connectWorker(): Promise<{ connection: NativeConnection; namespace: string }> {
  const { connectionOptions, namespace } = connectSettings();
  return { connection: await NativeConnection.connect(connectionOptions), namespace };
}

/** How long a client's calls retry while Temporal does not answer (a server restart, a cut link): BATON_TEMPORAL_RETRY_SECONDS. */
export function temporalRetryMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BATON_TEMPORAL_RETRY_SECONDS ?? '120';
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600)
    throw new Error(`BATON_TEMPORAL_RETRY_SECONDS=${raw}: a whole number of seconds from 0 to 3600`);
  return seconds * 1000;
}

/** The SDK's backoff (100 ms × 1.7^attempt, at most 5 s each): how many attempts fill `windowMs`. */
export function retryAttemptsWithin(windowMs: number): number {
  let [attempts, waited] = [1, 0];
  while (waited < windowMs) waited += Math.min(5_000, 100 * 1.7 ** attempts++);
  return attempts;
}

/**
 * A client connection whose calls retry for temporalRetryMs, not the SDK's 10 attempts (about 20 s): a Temporal
 * server restarting on its database outlasts those, and the CLI's waits and the runs' clients would fail.
 */
export async function connectClient(): Promise<{ connection: Connection; namespace: string }> {
  const { connectionOptions, namespace } = connectSettings();
  const retry = makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: retryAttemptsWithin(temporalRetryMs()) }));
  return { connection: await Connection.connect({ ...connectionOptions, interceptors: [retry] }), namespace };
}

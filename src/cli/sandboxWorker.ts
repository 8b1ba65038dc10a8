import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxConfig } from '../sandbox/config.js';
import { sandboxLayout } from '../sandbox/layout.js';
import { GiveUp, waitUntil } from '../sandbox/probe.js';
import { isRunning, logFilePath, readPidRecord, startProcess, stopProcess } from '../sandbox/processes.js';

/** The worker's pid record and log sit next to the sandbox parts' (`baton sandbox logs worker`). */
export const sandboxWorkerName = 'worker';

/** What `baton worker` prints once its workers poll. */
const servingLine = 'baton worker serving';

/**
 * A `baton worker --sandbox` process serving every queue, started detached like the sandbox parts so it
 * outlives `baton up`; reused when one already runs. Resolves once it polls its task queues.
 */
export async function ensureSandboxWorker(config: SandboxConfig, say: (line: string) => void): Promise<number> {
  const layout = sandboxLayout(config);
  const existing = await readPidRecord(layout, sandboxWorkerName);
  if (existing && isRunning(existing)) {
    say(`worker already running (pid ${existing.pid}); log ${logFilePath(layout, sandboxWorkerName)}`);
    return existing.pid;
  }
  const started = Date.now();
  const record = await startProcess(layout, sandboxWorkerName, process.execPath, [join(config.repoRoot, 'bin/baton.js'), 'worker', '--sandbox'], {
    ...process.env,
    BATON_SANDBOX_DIR: config.stateDir,
  });
  const log = logFilePath(layout, sandboxWorkerName);
  await waitUntil(
    'the worker',
    async () => {
      const text = await readFile(log, 'utf8');
      const lastStart = text.lastIndexOf('\n=== ');
      if (text.indexOf(servingLine, lastStart) >= 0) return;
      if (!isRunning(record)) throw new GiveUp(`the worker exited:\n${text.slice(lastStart).trim().split('\n').slice(-10).join('\n')}`);
      throw new Error('not polling yet');
    },
    config.readyTimeoutMs,
  );
  say(`worker ready (pid ${record.pid}, ${((Date.now() - started) / 1000).toFixed(1)}s); log ${log}`);
  return record.pid;
}

/** Stops the sandbox's worker, if one runs. */
export async function stopSandboxWorker(config: SandboxConfig, say: (line: string) => void): Promise<void> {
  const layout = sandboxLayout(config);
  const record = await readPidRecord(layout, sandboxWorkerName);
  if (!record) return;
  const outcome = await stopProcess(record, 15_000);
  say(outcome === 'not running' ? `worker (pid ${record.pid}) was not running` : `worker ${outcome} (pid ${record.pid})`);
}

import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import type { OwnSandbox } from './sandbox.js';
import { repoRoot } from './tools.js';

/** A `baton worker --sandbox` process of an end-to-end test, and how to stop it. */
export interface SandboxWorker {
  /** SIGTERM (or the signal given: SIGKILL for a crash), then waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `baton worker --sandbox` on task queues under `prefix`: the workflows and every zone, with every cluster of
 * the sandbox. Its output goes to the sandbox's logs/e2e-worker.log.
 */
export function startSandboxWorker(sandbox: OwnSandbox, prefix: string): SandboxWorker {
  const log = openSync(join(sandbox.config.stateDir, 'logs/e2e-worker.log'), 'a');
  const worker = spawn('node', [join(repoRoot, 'bin/baton.js'), 'worker', '--sandbox', '--task-queue-prefix', prefix], {
    env: { ...sandbox.env, TEMPORAL_ADDRESS: sandbox.status.temporal.address },
    stdio: ['ignore', log, log],
  });
  return {
    stop: async (signal = 'SIGTERM') => {
      if (worker.exitCode !== null || worker.signalCode !== null) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill(signal);
      await exited;
    },
  };
}

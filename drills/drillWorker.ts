import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The drill's worker: `baton worker --sandbox` as its own process, so a drill can kill it and start another. */
export interface DrillWorker {
  /** Starts a worker process and waits until it serves its queues. */
  start(): Promise<void>;
  /** SIGKILL, as a crash or an OOM kill would: no draining, no goodbye. */
  kill(): Promise<void>;
  /** SIGTERM: the worker drains and exits. */
  stop(): Promise<void>;
  /** How many worker processes have been started. */
  starts(): number;
}

const startLimitMs = 120_000;

export function drillWorker(options: { repoRoot: string; logDir: string; env: NodeJS.ProcessEnv; taskQueuePrefix: string }): DrillWorker {
  let child: ChildProcess | undefined;
  let started = 0;
  const log = openSync(join(options.logDir, 'drill-worker.log'), 'a');
  // Whatever way the drill ends, its worker does not outlive it.
  process.once('exit', () => child?.kill('SIGKILL'));
  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r));
  return {
    start: async () => {
      const worker = spawn(
        process.execPath,
        [join(options.repoRoot, 'bin/baton.js'), 'worker', '--sandbox', '--task-queue-prefix', options.taskQueuePrefix],
        // A group of its own: a Ctrl-C meant for the drill (which then stops after its trial) does not reach it.
        { env: options.env, stdio: ['ignore', 'pipe', log], detached: true },
      );
      child = worker;
      started++;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the drill's worker did not serve within ${startLimitMs / 1000} s`)), startLimitMs);
        worker.stdout!.on('data', (chunk: Buffer) => {
          writeSync(log, chunk);
          if (!chunk.toString().includes('baton worker serving')) return;
          clearTimeout(timer);
          resolve();
        });
        worker.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`the drill's worker exited (${code ?? signal}) before serving; see ${options.logDir}/drill-worker.log`));
        });
      });
    },
    kill: async () => {
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      if (!child) return;
      child.kill('SIGTERM');
      await exited(child);
    },
    starts: () => started,
  };
}

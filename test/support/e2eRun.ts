import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { argoCdRelease, sandboxLayout } from '../../src/sandbox/index.js';
import { installRuntimeLogger } from '../../src/worker/runtime.js';
import { servedQueues, type ServedQueue } from '../../src/worker/servedQueues.js';
import { createWorkers, runWorkers } from '../../src/worker/workers.js';
import { zoneActivities } from '../../src/worker/zoneActivities.js';
import type { LifecycleState } from '../../src/workflows/state.js';
import type { EmptyClusterSandbox } from './sandbox.js';
import { workflowBundle } from './temporal.js';
import { repoRoot, toolPath } from './tools.js';

const exec = promisify(execFile);

/** An end-to-end test's hands on its sandbox: the real workers, the baton CLI and kubectl. */
export interface E2eRun {
  /** Runs the baton CLI against the sandbox; rejects with its stderr on a non-zero exit. */
  baton(...args: string[]): Promise<string>;
  kubectl(...args: string[]): Promise<string>;
  /** `baton status ID --json`. */
  state(workflowId: string): Promise<LifecycleState>;
  /** Polls the run's state until the predicate holds; fails after the limit with the last state. */
  stateWhen(workflowId: string, predicate: (s: LifecycleState) => boolean, limitMs: number): Promise<LifecycleState>;
  /** Shuts the workers down and closes their connection. */
  stop(): Promise<void>;
}

/** What the in-process workers serve when another worker (a container's) serves the rest. */
export interface E2eRunOptions {
  /** Default: the workflow queue and every trust zone. */
  serve?: ServedQueue[];
  /** Default: the sandbox's; another when the ansible zone that rotates the password keeps it elsewhere. */
  argocdPasswordFile?: string;
}

/**
 * Starts workers for the workflow queue and every trust zone (the real activities, on task queues
 * under `prefix`) against the sandbox, as `baton worker --sandbox` would.
 */
export async function startE2eRun(sandbox: EmptyClusterSandbox, prefix: string, options: E2eRunOptions = {}): Promise<E2eRun> {
  // The runs' progress is in `baton status`; BATON_LOG_LEVEL=INFO shows the workers' logs too.
  installRuntimeLogger('WARN');
  const { status, env } = sandbox;
  const connection = await NativeConnection.connect({ address: status.temporal.address });
  const workers = await createWorkers({
    connection,
    namespace: 'default',
    taskQueuePrefix: prefix,
    workflows: true,
    workflowBundle: await workflowBundle(),
    zones: zoneActivities(
      {
        taskQueuePrefix: prefix,
        serve: options.serve ?? [...servedQueues],
        kubeconfig: status.kubeconfig,
        automationKubeconfig: sandboxLayout(sandbox.config).automationKubeconfig,
        argocd: {
          url: status.argocd.url,
          credentials: { username: 'admin', passwordFile: options.argocdPasswordFile ?? status.argocd.passwordFile },
        },
        argocdManifestsDir: (await argoCdRelease(sandbox.config)).manifestsDir,
      },
      new Client({ connection, namespace: 'default' }),
    ),
  });
  const running = runWorkers(workers);

  const baton = async (...args: string[]): Promise<string> => {
    try {
      const { stdout } = await exec('node', [join(repoRoot, 'bin/baton.js'), ...args], {
        env: { ...env, TEMPORAL_ADDRESS: status.temporal.address },
        timeout: 600_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout;
    } catch (err) {
      const { stderr, stdout } = err as { stderr?: string; stdout?: string };
      throw new Error(`baton ${args.join(' ')} failed:\n${stderr ?? ''}${stdout ?? ''}`, { cause: err });
    }
  };
  const state = async (workflowId: string) => JSON.parse(await baton('status', workflowId, '--json')) as LifecycleState;
  return {
    baton,
    kubectl: (...args) =>
      exec(toolPath('kubectl'), ['--kubeconfig', status.kubeconfig, ...args], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }).then(
        (out) => out.stdout,
      ),
    state,
    stateWhen: async (workflowId, predicate, limitMs) => {
      const deadline = Date.now() + limitMs;
      let last = await state(workflowId);
      while (!predicate(last)) {
        if (Date.now() > deadline) throw new Error(`state not reached in ${limitMs}ms:\n${JSON.stringify(last, null, 2)}`);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        last = await state(workflowId);
      }
      return last;
    },
    stop: async () => {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

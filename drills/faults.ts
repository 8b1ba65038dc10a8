import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxConfig } from '../src/sandbox/config.js';
import type { DrillWorker } from './drillWorker.js';
import type { LoopbackProxy } from './loopbackProxy.js';
import { restartPart, startPartAgain, stopPart } from './partRestart.js';

/** What a fault may break, and how the drill reaches it. */
export interface FaultContext {
  config: SandboxConfig;
  worker: DrillWorker;
  /** Between the worker and Temporal. */
  proxy: LoopbackProxy;
  say: (line: string) => void;
}

export interface Fault {
  /** The case's letter, as `--cases` names it. */
  id: string;
  name: string;
  /** Whether it strikes while a change deploys stacks or while the run tears them down. */
  during: 'deploy' | 'teardown';
  /** Trials of the full drill. */
  trials: number;
  /** Breaks the part and resolves once it is repaired (restarted, reconnected). */
  inject(context: FaultContext): Promise<void>;
}

const killWorker = async ({ worker }: FaultContext) => {
  await worker.kill();
  await worker.start();
};

/** The drill's cases, after Temporal's pre-production testing guide: workers, the server, the dependencies, the network. */
export const faults: Fault[] = [
  { id: 'a', name: 'worker SIGKILL, restarted', during: 'deploy', trials: 20, inject: killWorker },
  {
    id: 'b',
    name: 'Temporal server SIGKILL, restarted on its database',
    during: 'deploy',
    trials: 5,
    inject: ({ config, say }) => restartPart(config, 'temporal', { signal: 'SIGKILL', downMs: 2_000 }, say),
  },
  {
    id: 'c',
    name: 'kube-apiserver stopped for 30 s',
    during: 'deploy',
    trials: 5,
    inject: async ({ config, say }) => {
      const controlPlane = ['kube-controller-manager', 'kube-scheduler'] as const;
      await stopPart(config, 'kube-apiserver', 'SIGTERM', say);
      // In a cluster the controller manager and the scheduler lose their leader lease 10 s into the outage (their
      // renew deadline), exit, and are started again by their kubelet once the API server is back. The sandbox runs
      // them without leader election: left up, the controller manager would judge the nodes by the leases it could
      // not read during the outage, mark every pod NotReady (kwok, standing in for the kubelets, does not set a
      // pod Ready again), and keep its queues backed off for minutes. So they go down and come back as they would.
      await sleep(10_000);
      for (const part of controlPlane) await stopPart(config, part, 'SIGTERM', say);
      await sleep(20_000);
      await startPartAgain(config, 'kube-apiserver', say);
      for (const part of controlPlane) await startPartAgain(config, part, say);
    },
  },
  {
    id: 'd',
    name: 'argocd-server and argocd-repo-server restarted',
    during: 'deploy',
    trials: 5,
    inject: async ({ config, say }) => {
      await Promise.all(
        (['argocd-server', 'argocd-repo-server'] as const).map((part) => restartPart(config, part, { signal: 'SIGTERM', downMs: 0 }, say)),
      );
    },
  },
  {
    id: 'e',
    name: 'redis restarted',
    during: 'deploy',
    trials: 5,
    inject: ({ config, say }) => restartPart(config, 'redis', { signal: 'SIGTERM', downMs: 0 }, say),
  },
  { id: 'f', name: 'worker–Temporal connection cut for 20 s', during: 'deploy', trials: 5, inject: ({ proxy }) => proxy.cut(20_000) },
  { id: 'g', name: 'worker SIGKILL during teardown, restarted', during: 'teardown', trials: 5, inject: killWorker },
];

import { KubeConfig, Watch, type V1Deployment } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { deploymentManifest } from '../test/support/stackManifests.js';

/**
 * How a bench stack becomes ready after a known delay: kwok's stages make its pod Ready at once, and the
 * Deployment's minReadySeconds holds it unavailable that long after (the ReplicaSet controller counts a pod
 * available only then and requeues itself for that moment), so Argo CD reports it Progressing, then Healthy.
 */
export function delayedStackManifest(name: string, readyAfterS: number): string {
  const deployment = parse(deploymentManifest(name)) as { spec: Record<string, unknown> };
  deployment.spec.minReadySeconds = readyAfterS;
  return stringify(deployment);
}

/** When each Deployment first became available and when it was created, in ms since the epoch, by `namespace/name`. */
export interface ReadyTimes {
  readyAt: Map<string, number>;
  createdAt: Map<string, number>;
  stop(): void;
}

const available = (d: V1Deployment) =>
  (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) && (d.status?.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1);

/**
 * Watches every Deployment of the cluster from the bench's process, independently of Baton and Argo CD, and
 * records the moment each one's objects are ready: the start of its health-detection latency.
 */
export async function watchReadyTimes(kubeconfig: string): Promise<ReadyTimes> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const readyAt = new Map<string, number>();
  const createdAt = new Map<string, number>();
  const watching = await new Watch(config).watch(
    '/apis/apps/v1/deployments',
    {},
    (_type: string, d: V1Deployment) => {
      const key = `${d.metadata?.namespace}/${d.metadata?.name}`;
      if (!createdAt.has(key)) createdAt.set(key, Date.now());
      if (available(d) && !readyAt.has(key)) readyAt.set(key, Date.now());
    },
    (err: unknown) => {
      if (err && !(err instanceof Error && err.name === 'AbortError'))
        process.stderr.write(`[bench] deployment watch ended: ${String(err)}\n`);
    },
  );
  return { readyAt, createdAt, stop: () => watching.abort() };
}

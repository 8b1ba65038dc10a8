import { CoreV1Api, CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { commitFiles, type SandboxStatus } from '../src/sandbox/index.js';
import { applicationHealthKey, guardedApplicationHealth } from './applicationHealthCheck.js';
import { stackPath } from './batonRun.js';
import type { BenchPlatform } from './platforms.js';
import type { ReadyTimes } from './readinessDelay.js';
import { percentile } from './statistics.js';

const argoCdNamespace = 'argocd';
const application = { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications' } as const;
/** Marks the peer's Applications of one platform, so the bench removes exactly those. */
export const peerLabel = 'bench.baton.dev/peer';

export interface ArgoCdMeasurement {
  makespanMs: number;
  detectionP50Ms: number;
  detectionP95Ms: number;
}

interface ChildStatus {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: { health?: { status?: string }; sync?: { status?: string } };
}

function clients(kubeconfig: string) {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  return { config, core: config.makeApiClient(CoreV1Api), custom: config.makeApiClient(CustomObjectsApi) };
}

/** Puts the documented Application health check, with the comparedTo guard, into argocd-cm (bootstrap may have set the unguarded one). */
async function restoreApplicationHealth(core: CoreV1Api): Promise<void> {
  const cm = await core.readNamespacedConfigMap({ name: 'argocd-cm', namespace: argoCdNamespace });
  if (cm.data?.[applicationHealthKey] === guardedApplicationHealth) return;
  cm.data = { ...cm.data, [applicationHealthKey]: guardedApplicationHealth };
  await core.replaceNamespacedConfigMap({ name: 'argocd-cm', namespace: argoCdNamespace, body: cm });
  // The controller reads argocd-cm through an informer: give it a moment to see the new check.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
}

function childApplication(name: string, wave: number, source: object, namespace: string, label: string): object {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: argoCdNamespace,
      labels: { [peerLabel]: label },
      annotations: { 'argocd.argoproj.io/sync-wave': String(wave) },
    },
    spec: {
      project: 'default',
      source,
      destination: { server: 'https://kubernetes.default.svc', namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
    },
  };
}

/**
 * The same DAG deployed by Argo CD alone, at its best: an app of apps whose children (one per stack, the same Git
 * folders Baton deploys) carry one sync wave per dependency level, and the guarded Application health check so a
 * wave waits for the one before it to be Healthy. The makespan runs from creating the parent to the last child
 * reported Healthy and Synced, observed by a watch of the Applications.
 */
export async function measureArgoCd(options: {
  status: SandboxStatus;
  platform: BenchPlatform;
  levels: string[][];
  run: string;
  namespace: string;
  ready: ReadyTimes;
  deadline: number;
  /** Aborted when the bench is told to stop: the side ends as if its deadline had passed. */
  stop: AbortSignal;
}): Promise<ArgoCdMeasurement> {
  const { status, platform, levels, run, namespace, ready, deadline, stop } = options;
  const { config, core, custom } = clients(status.kubeconfig);
  await restoreApplicationHealth(core);
  const label = `${run}-${platform.name}`;
  const childName = (stack: string) => `a${run}-${platform.name}-${stack}`;
  const source = (stack: string) => ({
    repoURL: status.git.url,
    path: stackPath(run, platform.name, stack),
    targetRevision: status.git.branch,
  });
  const appsPath = `bench-apps/${run}/${platform.name}`;
  await commitFiles(
    status.git.path,
    levels.flatMap((level, wave) =>
      level.map((stack) => ({
        path: `${appsPath}/${stack}.yaml`,
        content: stringify(childApplication(childName(stack), wave, source(stack), namespace, label)),
      })),
    ),
    `Argo CD peer of ${platform.name} (${run})`,
  );

  const healthyAt = new Map<string, number>();
  const children = new Set(platform.stacks.map((s) => childName(s.name)));
  let allHealthy: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allHealthy = resolve));
  const watching = await new Watch(config).watch(
    `/apis/${application.group}/${application.version}/namespaces/${argoCdNamespace}/${application.plural}`,
    { labelSelector: `${peerLabel}=${label}` },
    (_type: string, app: ChildStatus) => {
      const name = app.metadata?.name ?? '';
      if (!children.has(name) || healthyAt.has(name)) return;
      if (app.status?.health?.status === 'Healthy' && app.status.sync?.status === 'Synced') healthyAt.set(name, Date.now());
      if (healthyAt.size === children.size) allHealthy();
    },
    () => undefined,
  );
  const began = Date.now();
  try {
    await custom.createNamespacedCustomObject({
      ...application,
      namespace: argoCdNamespace,
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: `a${run}-${platform.name}`, namespace: argoCdNamespace, labels: { [peerLabel]: label } },
        spec: {
          project: 'default',
          source: { repoURL: status.git.url, path: appsPath, targetRevision: status.git.branch },
          destination: { server: 'https://kubernetes.default.svc', namespace: argoCdNamespace },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      },
    });
    let timer: NodeJS.Timeout | undefined;
    let stopped: () => void = () => undefined;
    const timedOut = new Promise<'deadline'>(
      (resolve) => (timer = setTimeout(() => resolve('deadline'), Math.max(0, deadline - Date.now()))),
    );
    const interrupted = new Promise<'stopped'>((resolve) => {
      stopped = () => resolve('stopped');
      if (stop.aborted) stopped();
      else stop.addEventListener('abort', stopped, { once: true });
    });
    const outcome = await Promise.race([done.then(() => 'done' as const), timedOut, interrupted]);
    clearTimeout(timer);
    stop.removeEventListener('abort', stopped);
    if (outcome !== 'done')
      throw new Error(
        `Argo CD peer of ${platform.name}: ${outcome === 'deadline' ? 'deadline passed' : `stopped by ${String(stop.reason)}`} with ${healthyAt.size} of ${children.size} child Applications Healthy`,
      );
  } finally {
    watching.abort();
  }
  const detection = platform.stacks
    .map((s) => healthyAt.get(childName(s.name))! - (ready.readyAt.get(`${namespace}/${s.name}`) ?? Number.NaN))
    .filter(Number.isFinite);
  return {
    makespanMs: Math.max(...healthyAt.values()) - began,
    detectionP50Ms: percentile(detection, 50),
    detectionP95Ms: percentile(detection, 95),
  };
}

/** Removes the peer's Applications of a platform (parent and children, none with a finalizer); their objects go with the namespace. */
export async function removeArgoCdPeer(status: SandboxStatus, run: string, platform: string): Promise<void> {
  const { custom } = clients(status.kubeconfig);
  await custom.deleteCollectionNamespacedCustomObject({
    ...application,
    namespace: argoCdNamespace,
    labelSelector: `${peerLabel}=${run}-${platform}`,
  });
}

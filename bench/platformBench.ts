import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { commitFiles } from '../src/sandbox/index.js';
import { managedSelector } from '../src/spec/labels.js';
import { measureArgoCd, removeArgoCdPeer, type ArgoCdMeasurement } from './argocdPeer.js';
import type { BenchSandbox } from './benchSandbox.js';
import { benchSpec, measureBaton, stackPath, type BatonMeasurement } from './batonRun.js';
import { shapeOf, type BenchPlatform } from './platforms.js';
import { delayedStackManifest, watchReadyTimes } from './readinessDelay.js';

export interface PlatformResult {
  name: string;
  stacks: number;
  levels: number;
  boundMs: number;
  batonMakespanMs: number | null;
  argocdMakespanMs: number | null;
  /** Baton's makespan over Argo CD's. */
  ratio: number | null;
  overheadMs: number | null;
  overheadPerLevelMs: number | null;
  baton: BatonMeasurement | null;
  argocd: ArgoCdMeasurement | null;
  /** What stopped a side before it finished (a deadline, a failed stack), or null. */
  errors: string[];
}

/** How long each side's deploy of a platform may take: generous against the bound, and never unbounded. */
function budgetOf(boundMs: number, stacks: number): number {
  return Math.min(30 * 60_000, 120_000 + 6 * boundMs + 600 * stacks);
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Removes what one side deployed: its Applications, then its namespace with the stacks' objects. */
async function removeNamespace(kubeconfig: string, namespace: string): Promise<void> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  await config
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: namespace })
    .catch(() => undefined);
}

async function removeBatonApplications(kubeconfig: string, platform: string, environment: string): Promise<void> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  await config.makeApiClient(CustomObjectsApi).deleteCollectionNamespacedCustomObject({
    group: 'argoproj.io',
    version: 'v1alpha1',
    plural: 'applications',
    namespace: 'argocd',
    labelSelector: managedSelector(platform, environment),
  });
}

/**
 * One platform, deployed by Baton and then by the Argo CD peer on the same sandbox, one after the other so neither
 * loads the other's run; each side removed before the next starts.
 */
export async function benchPlatform(
  sandbox: BenchSandbox,
  platform: BenchPlatform,
  run: string,
  maxParallelStacks: number | undefined,
  stop: AbortSignal,
): Promise<PlatformResult> {
  const { status } = sandbox;
  const shape = shapeOf(platform);
  const errors: string[] = [];
  await commitFiles(
    status.git.path,
    platform.stacks.map((s) => ({
      path: `${stackPath(run, platform.name, s.name)}/app.yaml`,
      content: delayedStackManifest(s.name, s.readyAfterS),
    })),
    `Bench platform ${platform.name} (${run})`,
  );
  const ready = await watchReadyTimes(status.kubeconfig);
  const batonNamespace = `b${run}-${platform.name}`;
  const argoNamespace = `a${run}-${platform.name}`;
  try {
    process.stderr.write(
      `[bench] ${platform.name}: Baton (${platform.stacks.length} stacks, ${shape.levels.length} levels, bound ${shape.boundMs} ms)\n`,
    );
    const spec = benchSpec(platform, run, batonNamespace, status, maxParallelStacks);
    const baton = await measureBaton({
      ...sandbox,
      spec,
      environment: run,
      namespace: batonNamespace,
      ready,
      budgetMs: budgetOf(shape.boundMs, platform.stacks.length),
      stop,
    }).catch((err: unknown) => (errors.push(`baton: ${message(err)}`), null));
    await removeBatonApplications(status.kubeconfig, platform.name, run).catch((err: unknown) =>
      errors.push(`baton cleanup: ${message(err)}`),
    );
    await removeNamespace(status.kubeconfig, batonNamespace);
    if (stop.aborted) {
      errors.push(`argocd: not run, the bench was stopped by ${String(stop.reason)}`);
      return result(platform, shape.levels.length, shape.boundMs, baton, null, errors);
    }
    process.stderr.write(`[bench] ${platform.name}: Argo CD app of apps\n`);
    const argocd = await measureArgoCd({
      status,
      platform,
      levels: shape.levels,
      run,
      namespace: argoNamespace,
      ready,
      deadline: Date.now() + budgetOf(shape.boundMs, platform.stacks.length),
      stop,
    }).catch((err: unknown) => (errors.push(`argocd: ${message(err)}`), null));
    await removeArgoCdPeer(status, run, platform.name).catch((err: unknown) => errors.push(`argocd cleanup: ${message(err)}`));
    await removeNamespace(status.kubeconfig, argoNamespace);
    return result(platform, shape.levels.length, shape.boundMs, baton, argocd, errors);
  } finally {
    ready.stop();
  }
}

function result(
  platform: BenchPlatform,
  levels: number,
  boundMs: number,
  baton: BatonMeasurement | null,
  argocd: ArgoCdMeasurement | null,
  errors: string[],
): PlatformResult {
  const overheadMs = baton ? baton.makespanMs - boundMs : null;
  return {
    name: platform.name,
    stacks: platform.stacks.length,
    levels,
    boundMs,
    batonMakespanMs: baton?.makespanMs ?? null,
    argocdMakespanMs: argocd?.makespanMs ?? null,
    ratio: baton && argocd ? Math.round((baton.makespanMs / argocd.makespanMs) * 100) / 100 : null,
    overheadMs,
    overheadPerLevelMs: overheadMs === null ? null : Math.round(overheadMs / levels),
    baton,
    argocd,
    errors,
  };
}

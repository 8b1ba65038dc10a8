import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, ApiextensionsV1Api, KubeConfig } from '@kubernetes/client-node';
import { clusterPartName, sandboxClusters, type SandboxCluster } from './clusters.js';
import { defaultClusters, type SandboxConfig } from './config.js';
import { sandboxLayout } from './layout.js';
import { partContext, startPart, stopRecorded, type Progress } from './lifecycle.js';
import type { PartContext } from './parts/index.js';
import { rolloutsController } from './parts/rolloutsController.js';
import { isRunning, readPidRecord } from './processes.js';
import { writeSupervisorReport, type SupervisorReport } from './supervisorReport.js';

/** Every CRD the controller watches: it starts only when all are Established. */
export const rolloutsCrds = [
  'rollouts.argoproj.io',
  'analysisruns.argoproj.io',
  'analysistemplates.argoproj.io',
  'clusteranalysistemplates.argoproj.io',
  'experiments.argoproj.io',
];
/** How often each cluster is looked at: the controller starts within about this long of bootstrap installing the CRDs. */
const pollMs = 1_000;
/** How long after a failed start the supervisor tries that cluster again. */
const retryMs = 10_000;

/** What of the Argo Rollouts CRDs a cluster holds: the missing ones, and the uids (a change means they were created again). */
async function readCrds(api: ApiextensionsV1Api): Promise<{ missing: string[]; uids: string }> {
  const missing: string[] = [];
  const uids: string[] = [];
  for (const name of rolloutsCrds) {
    const crd = await api.readCustomResourceDefinition({ name }).catch((err: unknown) => {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw err;
    });
    const established = crd?.status?.conditions?.some((condition) => condition.type === 'Established' && condition.status === 'True');
    if (!crd || !established || crd.metadata?.deletionTimestamp) missing.push(name);
    uids.push(crd?.metadata?.uid ?? '');
  }
  return { missing, uids: uids.join(',') };
}

interface Watched {
  cluster: SandboxCluster;
  context: PartContext;
  crds: ApiextensionsV1Api;
  /** The CRD uids the running controller started with. */
  startedWith?: string;
  failedAt: number;
}

/** One look at one cluster: starts, stops or restarts its controller; what it found, for the report. */
async function superviseCluster(watched: Watched, say: Progress): Promise<string> {
  const { cluster, context } = watched;
  const name = cluster.name;
  const found = await readCrds(watched.crds);
  const record = await readPidRecord(context.layout, rolloutsController.name);
  const running = record !== undefined && isRunning(record);
  // A controller left by an earlier supervisor is adopted as it is.
  if (running && watched.startedWith === undefined) watched.startedWith = found.uids;
  const notWanted = found.missing.length ? `no ${found.missing.join(', ')}` : undefined;
  const stopBecause = notWanted ?? (watched.startedWith !== found.uids ? 'the Argo Rollouts CRDs were created again' : undefined);
  if (running && stopBecause) {
    say(`stopping ${clusterPartName(cluster, rolloutsController.name)} (pid ${record.pid}): ${stopBecause}`);
    await stopRecorded(context.layout, [rolloutsController.name], say);
    watched.startedWith = undefined;
  }
  if (notWanted) return `${name}: waiting for the Argo Rollouts CRDs (${notWanted})`;
  if (!running || stopBecause) {
    if (Date.now() - watched.failedAt < retryMs) return `${name}: starting again soon`;
    await startPart(rolloutsController, context, context.say);
    watched.startedWith = found.uids;
  }
  return `${name}: rollouts-controller running`;
}

/**
 * Every cluster's stand-in for the Argo Rollouts controller's Pod: every second it looks at each cluster of
 * the sandbox and runs that cluster's controller exactly while the cluster holds the Argo Rollouts CRDs
 * (bootstrap's `argoRollouts` installs them). CRDs deleted stop it; CRDs created again restart it (its
 * watches would be stale). Runs until `signal` aborts, then stops what it runs.
 */
export async function superviseRollouts(config: SandboxConfig, say: Progress, signal: AbortSignal): Promise<void> {
  const hub = sandboxLayout(config);
  const watched: Watched[] = await Promise.all(
    sandboxClusters(config, config.clusters ?? defaultClusters).map(async (cluster) => {
      const context = await partContext(cluster.config, (line) => say(clusterPartName(cluster, line)));
      const kubeconfig = new KubeConfig();
      kubeconfig.loadFromFile(context.layout.kubeconfig);
      return { cluster, context, crds: kubeconfig.makeApiClient(ApiextensionsV1Api), failedAt: 0 };
    }),
  );
  let reported = '';
  const report = async (state: SupervisorReport['state'], detail: string) => {
    if (`${state} ${detail}` === reported) return;
    reported = `${state} ${detail}`;
    say(`${state}: ${detail}`);
    await writeSupervisorReport(hub, { state, detail }, hub.rolloutsSupervisorReport);
  };

  await report('waiting', 'looking at the clusters');
  while (!signal.aborted) {
    const lines: string[] = [];
    let failing = false;
    for (const cluster of watched) {
      try {
        lines.push(await superviseCluster(cluster, say));
      } catch (err) {
        cluster.failedAt = Date.now();
        failing = true;
        lines.push(`${cluster.cluster.name}: ${err instanceof Error ? err.message : String(err)}; trying again in ${retryMs / 1000}s`);
      }
    }
    const state = failing ? 'failing' : lines.every((line) => line.endsWith('running')) ? 'running' : 'waiting';
    await report(state, lines.join('; '));
    await sleep(pollMs, undefined, { signal }).catch(() => undefined);
  }
  for (const { context } of watched) await stopRecorded(context.layout, [rolloutsController.name], say);
}

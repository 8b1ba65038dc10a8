import { readFile } from 'node:fs/promises';
import { argoCdAdmin, argoCdUrl } from './argocd.js';
import { chartRepositoryUrl } from './chartRegistry.js';
import { clusterPartName, sandboxClusters, type SandboxCluster } from './clusters.js';
import type { SandboxConfig } from './config.js';
import { gitBranch, headRevision, repoUrl } from './gitRepo.js';
import { sandboxLayout, type SandboxLayout } from './layout.js';
import type { ArgoCdMode } from './config.js';
import { clusterParts, sandboxParts, startedBy, type PartName, type PartStarter, type SandboxPart } from './parts/index.js';
import { readPidRecord, isRunning, logFilePath, residentMiB } from './processes.js';
import { httpGet } from './probe.js';
import { readRecord, recordedConfig } from './record.js';
import { readSupervisorReport, type SupervisorReport } from './supervisorReport.js';

export interface PartStatus {
  /** An extra cluster's parts are `<cluster>/<part>`. */
  name: PartName | `${string}/${PartName}`;
  /** The pid the part was started with; null when it was never started (or `down` stopped it). */
  pid: number | null;
  running: boolean;
  /** up, or a supervisor: Argo CD's (bootstrap mode) or Argo Rollouts', which run a part only while bootstrap's install is in the cluster. */
  startedBy: Exclude<PartStarter, 'nobody'>;
  rssMiB: number | null;
  endpoint: string;
  log: string;
}

/** One cluster of the sandbox: the hub first. */
export interface ClusterStatus {
  name: string;
  /** What Argo CD and the workers call it: in-cluster for the hub, else its name. */
  argocdName: string;
  /** Its administrator's kubeconfig. */
  kubeconfig: string;
  apiserver: string;
  /** Every part of its control plane runs and its API server answers. */
  healthy: boolean;
}

export interface SandboxStatus {
  stateDir: string;
  kubeconfig: string;
  kubernetes: { server: string; version: string | null };
  temporal: { address: string; namespace: string; ui: string };
  /**
   * Argo CD's API; version is what GET /api/version answers (null when it does not). In bootstrap mode
   * `supervisor` says whether bootstrap has installed Argo CD yet (null when the supervisor does not run).
   */
  argocd: {
    mode: ArgoCdMode;
    url: string;
    version: string | null;
    username: string;
    passwordFile: string;
    supervisor?: Pick<SupervisorReport, 'state' | 'detail' | 'at'> | null;
  };
  /** The chart registry: its address, and the repoURL of the charts `baton sandbox push-chart` pushes. */
  registry: { url: string; repoURL: string };
  /** The stack sources Argo CD reads; revision is the branch's head (null before the first up). */
  git: { url: string; path: string; branch: string; revision: string | null };
  /** Every cluster, the hub first (the sandbox's own kubeconfig and kubernetes above are the hub's). */
  clusters: ClusterStatus[];
  /** The hub's parts, then each extra cluster's. */
  parts: PartStatus[];
  /** Every part `up` starts runs (in bootstrap mode the supervised Argo CD parts may wait for bootstrap). */
  running: boolean;
  coldStartSeconds: number | null;
}

async function partStatuses(cluster: SandboxCluster, mode: ArgoCdMode): Promise<PartStatus[]> {
  const { config } = cluster;
  const layout = sandboxLayout(config);
  const parts = (cluster.index === 0 ? sandboxParts : clusterParts).flatMap((part: SandboxPart) => {
    const starter = startedBy(part, mode);
    return starter === 'nobody' ? [] : [{ part, starter }];
  });
  return Promise.all(
    parts.map(async ({ part, starter }) => {
      const record = await readPidRecord(layout, part.name);
      const running = record !== undefined && isRunning(record);
      return {
        name: clusterPartName(cluster, part.name) as PartStatus['name'],
        pid: record?.pid ?? null,
        running,
        startedBy: starter,
        rssMiB: running && record ? (residentMiB(record.pid) ?? null) : null,
        endpoint: part.endpoint(config),
        log: logFilePath(layout, part.name),
      };
    }),
  );
}

/** The API server's own version (GET /version), or null when it does not answer. */
async function kubernetesVersion(server: string, layout: SandboxLayout): Promise<string | null> {
  try {
    const ca = await readFile(layout.caCert, 'utf8');
    const { status, body } = await httpGet(`${server}/version`, { ca, timeoutMs: 2_000 });
    return status === 200 ? ((JSON.parse(body) as { gitVersion?: string }).gitVersion ?? null) : null;
  } catch {
    return null;
  }
}

/** A cluster's place and health, with its API server's version (null when it does not answer). */
async function clusterStatus(cluster: SandboxCluster, parts: PartStatus[]): Promise<ClusterStatus & { version: string | null }> {
  const { config } = cluster;
  const layout = sandboxLayout(config);
  const apiserver = `https://${config.host}:${config.ports.apiserver}`;
  const controlPlane = parts.filter(
    (part) => part.startedBy === 'up' && clusterParts.some(({ name }) => part.name === clusterPartName(cluster, name)),
  );
  const running = controlPlane.every((part) => part.running);
  const version = controlPlane.some((part) => part.name === clusterPartName(cluster, 'kube-apiserver') && part.running)
    ? await kubernetesVersion(apiserver, layout)
    : null;
  return {
    name: cluster.name,
    argocdName: cluster.argocdName,
    kubeconfig: layout.kubeconfig,
    apiserver,
    healthy: running && version !== null,
    version,
  };
}

/** Argo CD's own version (GET /api/version), or null when it does not answer. */
async function argoCdVersion(url: string): Promise<string | null> {
  try {
    const { status, body } = await httpGet(`${url}/api/version`, { timeoutMs: 2_000 });
    return status === 200 ? ((JSON.parse(body) as { Version?: string }).Version ?? null) : null;
  } catch {
    return null;
  }
}

function temporalEndpoints(config: SandboxConfig): SandboxStatus['temporal'] {
  return {
    address: `${config.host}:${config.ports.temporal}`,
    namespace: 'default',
    ui: `http://${config.host}:${config.ports.temporalUi}`,
  };
}

/** Where the sandbox's Temporal answers, when its process runs; the rest of the status is not looked at. */
export async function runningTemporal(baseConfig: SandboxConfig): Promise<SandboxStatus['temporal'] | undefined> {
  const layout = sandboxLayout(baseConfig);
  const record = await readPidRecord(layout, 'temporal');
  return record && isRunning(record) ? temporalEndpoints(await recordedConfig(baseConfig, layout)) : undefined;
}

/** What runs, where to reach it, and how much memory each part holds; a dead part shows as not running. */
export async function sandboxStatus(baseConfig: SandboxConfig): Promise<SandboxStatus> {
  const layout = sandboxLayout(baseConfig);
  const config = await recordedConfig(baseConfig, layout);
  const clusters = sandboxClusters(config, config.clusters);
  const partsByCluster = await Promise.all(clusters.map((cluster) => partStatuses(cluster, config.argocdMode)));
  const parts = partsByCluster.flat();
  const supervisor = config.argocdMode === 'bootstrap' ? await readSupervisorReport(layout) : undefined;
  const clusterStatuses = await Promise.all(clusters.map((cluster, index) => clusterStatus(cluster, partsByCluster[index] ?? [])));
  const server = `https://${config.host}:${config.ports.apiserver}`;
  return {
    stateDir: layout.stateDir,
    kubeconfig: layout.kubeconfig,
    kubernetes: { server, version: clusterStatuses[0]?.version ?? null },
    clusters: clusterStatuses.map(({ version: _, ...cluster }) => cluster),
    temporal: temporalEndpoints(config),
    argocd: {
      mode: config.argocdMode,
      ...(config.argocdMode === 'bootstrap'
        ? { supervisor: supervisor ? { state: supervisor.state, detail: supervisor.detail, at: supervisor.at } : null }
        : {}),
      url: argoCdUrl(config),
      version: parts.some((part) => part.name === 'argocd-server' && part.running) ? await argoCdVersion(argoCdUrl(config)) : null,
      username: argoCdAdmin,
      passwordFile: layout.argocdPasswordFile,
    },
    registry: { url: `http://${config.host}:${config.ports.registry}`, repoURL: chartRepositoryUrl(config) },
    git: {
      url: repoUrl(layout.gitRepo),
      path: layout.gitRepo,
      branch: gitBranch,
      revision: await headRevision(layout.gitRepo).catch(() => null),
    },
    parts,
    running: parts.every((part) => part.running || part.startedBy !== 'up'),
    coldStartSeconds: (await readRecord(layout))?.coldStartSeconds ?? null,
  };
}

import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dnsLabel, inClusterName } from '../spec/schema.js';

/**
 * Where the sandbox keeps its state and which loopback ports its parts listen on.
 * Defaults avoid the usual ports (2379, 6379, 6443, 7233, 8080-8084, 8233, 10257, 10259) so a sandbox can
 * run next to a real cluster or a stock Temporal dev server. Every value has an environment variable:
 *
 *   BATON_SANDBOX_DIR                              state folder (default: <repo>/.baton/sandbox)
 *   BATON_SANDBOX_ETCD_PORT                        etcd client port (12379)
 *   BATON_SANDBOX_ETCD_PEER_PORT                   etcd peer port (12380)
 *   BATON_SANDBOX_APISERVER_PORT                   kube-apiserver HTTPS port (16443)
 *   BATON_SANDBOX_CONTROLLER_MANAGER_PORT          kube-controller-manager health port (16457)
 *   BATON_SANDBOX_SCHEDULER_PORT                   kube-scheduler health port (16459)
 *   BATON_SANDBOX_KWOK_PORT                        kwok health port (16480)
 *   BATON_SANDBOX_TEMPORAL_PORT                    Temporal gRPC frontend (17233)
 *   BATON_SANDBOX_TEMPORAL_UI_PORT                 Temporal Web UI (18233)
 *   BATON_SANDBOX_TEMPORAL_HTTP_PORT               Temporal HTTP API (17234)
 *   BATON_SANDBOX_TEMPORAL_METRICS_PORT            Temporal /metrics (17235)
 *   BATON_SANDBOX_REDIS_PORT                       redis, Argo CD's cache (16379)
 *   BATON_SANDBOX_ARGOCD_PORT                      argocd-server HTTP API (18080)
 *   BATON_SANDBOX_ARGOCD_METRICS_PORT              argocd-server /metrics (18083)
 *   BATON_SANDBOX_ARGOCD_REPO_SERVER_PORT          argocd-repo-server gRPC (18081)
 *   BATON_SANDBOX_ARGOCD_REPO_SERVER_METRICS_PORT  argocd-repo-server /metrics, /healthz (18084)
 *   BATON_SANDBOX_ARGOCD_CONTROLLER_METRICS_PORT   argocd-application-controller /metrics, /healthz (18082)
 *   BATON_SANDBOX_REGISTRY_PORT                    the chart registry, an OCI registry over plain HTTP (15000)
 *   BATON_SANDBOX_ROLLOUTS_HEALTHZ_PORT            rollouts-controller /healthz (16490)
 *   BATON_SANDBOX_ROLLOUTS_METRICS_PORT            rollouts-controller /metrics (16491)
 *   BATON_SANDBOX_NODES                            number of kwok nodes (3)
 *   BATON_SANDBOX_READY_TIMEOUT_SECONDS            how long each part may take to become ready (90)
 *   BATON_SANDBOX_ARGOCD                           preinstalled or bootstrap (see ArgoCdMode; default: what the running sandbox uses, else preinstalled)
 *   BATON_SANDBOX_CLUSTERS                         the clusters, e.g. dev,staging,prod (see SandboxConfig.clusters; default: what the running sandbox runs, else one)
 *
 * Argo CD's manifests come from the Go module cache (the version in .tools/bin/.argocd.pin), or ARGOCD_MANIFESTS_DIR.
 */
/**
 * How the sandbox's Argo CD comes about. `preinstalled`: `up` applies Argo CD's CRDs and configuration
 * itself and runs its processes, so Argo CD works without a bootstrap. `bootstrap`: the cluster starts
 * without any Argo CD object; a supervisor runs the Argo CD controller and server while bootstrap's
 * install is in the cluster (their workloads, CRDs and configuration), and stops them when teardown removes it.
 */
export const argoCdModes = ['preinstalled', 'bootstrap'] as const;
export type ArgoCdMode = (typeof argoCdModes)[number];

export interface SandboxConfig {
  repoRoot: string;
  stateDir: string;
  toolsBin: string;
  host: '127.0.0.1';
  ports: SandboxPorts;
  nodeCount: number;
  readyTimeoutMs: number;
  /**
   * How often Argo CD's controller compares every Application with Git and the cluster (its --app-resync). The
   * sandbox's 10 s shows drift and new commits within seconds for the tests; Argo CD's own default is 120 s.
   */
  appResyncSeconds: number;
  /** Undefined: the mode the sandbox was last brought up with, else preinstalled. */
  argocdMode?: ArgoCdMode;
  /**
   * One control plane each; the first is the hub (Argo CD, Temporal, redis, the registry and Git run there, and it
   * is `in-cluster` to Argo CD). Undefined: the clusters the sandbox was last brought up with, else one.
   */
  clusters?: string[];
}

export interface SandboxPorts {
  etcd: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
  temporal: number;
  temporalUi: number;
  temporalHttp: number;
  temporalMetrics: number;
  redis: number;
  argocdServer: number;
  argocdServerMetrics: number;
  argocdRepoServer: number;
  argocdRepoServerMetrics: number;
  argocdControllerMetrics: number;
  registry: number;
  rolloutsHealthz: number;
  rolloutsMetrics: number;
}

/** The sandbox's one cluster when no list is given. */
export const defaultClusters = [inClusterName];
/** Each cluster is a whole control plane (about 300 MiB): a handful is what a laptop holds. */
export const maxSandboxClusters = 5;
/** The ports each cluster has of its own; extra cluster i listens on the hub's plus clusterPortStep * i. */
export const clusterPortKeys = [
  'etcd',
  'etcdPeer',
  'apiserver',
  'controllerManager',
  'scheduler',
  'kwok',
  'rolloutsHealthz',
  'rolloutsMetrics',
] as const;
export const clusterPortStep = 100;

/** The ports of the cluster at this index of the list (0: the hub). */
export function clusterPorts(ports: SandboxPorts, index: number): SandboxPorts {
  return { ...ports, ...Object.fromEntries(clusterPortKeys.map((key) => [key, ports[key] + clusterPortStep * index])) };
}

/**
 * Parses a cluster list (`--clusters` or BATON_SANDBOX_CLUSTERS, named by `source`): comma-separated DNS-1123
 * labels, unique, at most maxSandboxClusters; only the hub may be called in-cluster (what Argo CD calls the hub).
 */
export function parseClusters(raw: string, source: string): string[] {
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const refuse = (why: string) => new Error(`${source}=${raw}: ${why}`);
  if (!names.length) throw refuse('names no cluster (e.g. dev,staging,prod)');
  if (names.length > maxSandboxClusters) throw refuse(`${names.length} clusters, at most ${maxSandboxClusters}`);
  for (const name of names) {
    const issue = dnsLabel.safeParse(name).error?.issues[0];
    if (issue) throw refuse(`cluster ${name} ${issue.message}`);
  }
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice) throw refuse(`cluster ${twice} is named twice`);
  if (names.indexOf(inClusterName) > 0) throw refuse(`${inClusterName} is what Argo CD calls the first cluster (the hub): name another`);
  return names;
}

/** Rejects two settings on one port, naming both. */
function expectDistinctPorts(ports: [name: string, port: number][]): void {
  const taken = new Map<number, string>();
  for (const [name, port] of ports) {
    const other = taken.get(port);
    if (other) throw new Error(`the sandbox ports of ${other} and ${name} are both ${port}`);
    taken.set(port, name);
  }
}

/** Every port a sandbox of these clusters listens on, named (cluster/key for the extra clusters' ports). */
export function sandboxPortList(ports: SandboxPorts, clusters: string[]): [name: string, port: number][] {
  return [
    ...Object.entries(ports),
    ...clusters.slice(1).flatMap((cluster, offset) => {
      const own = clusterPorts(ports, offset + 1);
      return clusterPortKeys.map((key): [string, number] => [`${cluster}/${key}`, own[key]]);
    }),
  ];
}

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const portVariables: Record<keyof SandboxPorts, [variable: string, fallback: number]> = {
  etcd: ['BATON_SANDBOX_ETCD_PORT', 12379],
  etcdPeer: ['BATON_SANDBOX_ETCD_PEER_PORT', 12380],
  apiserver: ['BATON_SANDBOX_APISERVER_PORT', 16443],
  controllerManager: ['BATON_SANDBOX_CONTROLLER_MANAGER_PORT', 16457],
  scheduler: ['BATON_SANDBOX_SCHEDULER_PORT', 16459],
  kwok: ['BATON_SANDBOX_KWOK_PORT', 16480],
  temporal: ['BATON_SANDBOX_TEMPORAL_PORT', 17233],
  temporalUi: ['BATON_SANDBOX_TEMPORAL_UI_PORT', 18233],
  temporalHttp: ['BATON_SANDBOX_TEMPORAL_HTTP_PORT', 17234],
  temporalMetrics: ['BATON_SANDBOX_TEMPORAL_METRICS_PORT', 17235],
  redis: ['BATON_SANDBOX_REDIS_PORT', 16379],
  argocdServer: ['BATON_SANDBOX_ARGOCD_PORT', 18080],
  argocdServerMetrics: ['BATON_SANDBOX_ARGOCD_METRICS_PORT', 18083],
  argocdRepoServer: ['BATON_SANDBOX_ARGOCD_REPO_SERVER_PORT', 18081],
  argocdRepoServerMetrics: ['BATON_SANDBOX_ARGOCD_REPO_SERVER_METRICS_PORT', 18084],
  argocdControllerMetrics: ['BATON_SANDBOX_ARGOCD_CONTROLLER_METRICS_PORT', 18082],
  registry: ['BATON_SANDBOX_REGISTRY_PORT', 15000],
  rolloutsHealthz: ['BATON_SANDBOX_ROLLOUTS_HEALTHZ_PORT', 16490],
  rolloutsMetrics: ['BATON_SANDBOX_ROLLOUTS_METRICS_PORT', 16491],
};

/**
 * The port settings of a second sandbox next to the default one: every default port moved by `shift`.
 * Keep the result below 32768, where Linux's ephemeral range begins: a port there can be taken at
 * random by any outgoing connection.
 */
export function shiftedPorts(shift: number): Record<string, string> {
  return Object.fromEntries(Object.values(portVariables).map(([variable, fallback]) => [variable, String(fallback + shift)]));
}

/** The sandbox's Argo CD resync period, in seconds: drift and new commits show within seconds. */
export const defaultAppResyncSeconds = 10;

/** Argo CD's own default resync period (timeout.reconciliation), in seconds. */
export const argoCdOwnAppResyncSeconds = 120;

/** The names and defaults of every setting, for `baton sandbox --help`. */
export const sandboxVariables: [variable: string, fallback: string][] = [
  ['BATON_SANDBOX_DIR', '.baton/sandbox'],
  ...Object.values(portVariables).map(([variable, fallback]): [string, string] => [variable, String(fallback)]),
  ['BATON_SANDBOX_NODES', '3'],
  ['BATON_SANDBOX_READY_TIMEOUT_SECONDS', '90'],
  [
    'BATON_SANDBOX_APP_RESYNC_SECONDS',
    `${defaultAppResyncSeconds} (Argo CD's controller --app-resync; Argo CD's own default is ${argoCdOwnAppResyncSeconds})`,
  ],
  ['BATON_SANDBOX_ARGOCD', "the running sandbox's mode, else preinstalled"],
  ['BATON_SANDBOX_CLUSTERS', `the running sandbox's clusters, else one (e.g. dev,prod; ports +${clusterPortStep} per extra cluster)`],
  ['ARGOCD_MANIFESTS_DIR', '$GOMODCACHE/github.com/argoproj/argo-cd/v3@<.tools/bin/.argocd.pin>/manifests'],
];

function positiveInteger(env: NodeJS.ProcessEnv, variable: string, fallback: number, max: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${variable}=${raw} is not a whole number between 1 and ${max}`);
  }
  return value;
}

function argoCdMode(env: NodeJS.ProcessEnv): ArgoCdMode | undefined {
  const raw = env.BATON_SANDBOX_ARGOCD;
  if (raw === undefined || raw === '') return undefined;
  if (!(argoCdModes as readonly string[]).includes(raw))
    throw new Error(`BATON_SANDBOX_ARGOCD=${raw} is not one of ${argoCdModes.join(', ')}`);
  return raw as ArgoCdMode;
}

/** The environment that gives a child process (the Argo CD supervisor) this same configuration. */
export function sandboxEnv(config: SandboxConfig): Record<string, string> {
  return {
    BATON_SANDBOX_DIR: config.stateDir,
    ...Object.fromEntries(
      Object.entries(portVariables).map(([key, [variable]]) => [variable, String(config.ports[key as keyof SandboxPorts])]),
    ),
    BATON_SANDBOX_NODES: String(config.nodeCount),
    BATON_SANDBOX_READY_TIMEOUT_SECONDS: String(config.readyTimeoutMs / 1000),
    BATON_SANDBOX_APP_RESYNC_SECONDS: String(config.appResyncSeconds),
    ...(config.argocdMode ? { BATON_SANDBOX_ARGOCD: config.argocdMode } : {}),
    ...(config.clusters ? { BATON_SANDBOX_CLUSTERS: config.clusters.join(',') } : {}),
  };
}

export function sandboxConfig(env: NodeJS.ProcessEnv = process.env): SandboxConfig {
  const ports = Object.fromEntries(
    Object.entries(portVariables).map(([key, [variable, fallback]]) => [key, positiveInteger(env, variable, fallback, 65535)]),
  ) as unknown as SandboxPorts;
  const clusters = env.BATON_SANDBOX_CLUSTERS ? parseClusters(env.BATON_SANDBOX_CLUSTERS, 'BATON_SANDBOX_CLUSTERS') : undefined;
  expectDistinctPorts(sandboxPortList(ports, clusters ?? defaultClusters));
  return {
    repoRoot,
    stateDir: env.BATON_SANDBOX_DIR ? resolve(env.BATON_SANDBOX_DIR) : join(repoRoot, '.baton/sandbox'),
    toolsBin: join(repoRoot, '.tools/bin'),
    host: '127.0.0.1',
    ports,
    nodeCount: positiveInteger(env, 'BATON_SANDBOX_NODES', 3, 100),
    readyTimeoutMs: positiveInteger(env, 'BATON_SANDBOX_READY_TIMEOUT_SECONDS', 90, 3600) * 1000,
    appResyncSeconds: positiveInteger(env, 'BATON_SANDBOX_APP_RESYNC_SECONDS', defaultAppResyncSeconds, 3600),
    ...(argoCdMode(env) ? { argocdMode: argoCdMode(env) } : {}),
    ...(clusters ? { clusters } : {}),
  };
}

/** The configuration with these clusters (the `--clusters` flag, which wins over BATON_SANDBOX_CLUSTERS), ports checked again. */
export function withClusters(config: SandboxConfig, clusters: string[]): SandboxConfig {
  expectDistinctPorts(sandboxPortList(config.ports, clusters));
  return { ...config, clusters };
}

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { argoCdRelease, argoCdTools, type ArgoCdRelease } from './argocd.js';
import { clusterPartName, sandboxClusters, type SandboxCluster } from './clusters.js';
import { defaultClusters, type ArgoCdMode, type SandboxConfig } from './config.js';
import { ensureFakeNodes, expectFakeNodesReady } from './fakeNodes.js';
import { writeKubeconfigs } from './kubeconfig.js';
import { sandboxLayout, type SandboxLayout } from './layout.js';
import { clusterParts, partNamed, sandboxParts, startedBy, type PartContext, type SandboxPart } from './parts/index.js';
import { ensurePki } from './pki.js';
import { expectPortFree } from './ports.js';
import { GiveUp, waitUntil } from './probe.js';
import {
  forgetProcess,
  isRunning,
  logTail,
  processesMentioning,
  readPidRecord,
  startProcess,
  stopProcess,
  type PidRecord,
  type StopOutcome,
} from './processes.js';
import { lastArgoCdMode, readRecord, recordedConfig, writeRecord } from './record.js';
import { sandboxStatus, type SandboxStatus } from './status.js';

/** Receives one line per step, for people watching. */
export type Progress = (line: string) => void;

/** How long a part gets to stop after SIGTERM before it is killed. */
export const stopGraceMs = 10_000;
/** How long a port may stay taken after its part stopped before starting it again is given up. */
const portReleaseMs = 10_000;
/** How long a part found running gets to prove it is healthy before it is restarted. */
const reuseCheckMs = 5_000;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class SandboxError extends Error {
  override name = 'SandboxError';
}

/** A part's executable: its name in .tools/bin, or the absolute path it names. */
export function partBinary(config: SandboxConfig, part: SandboxPart): string {
  return resolve(config.toolsBin, part.binary);
}

/** One line per missing executable, saying how to get it. */
function missingBinaries(config: SandboxConfig): string[] {
  const missing = new Map<string, string>();
  for (const part of sandboxParts) {
    const path = partBinary(config, part);
    if (!existsSync(path)) missing.set(path, part.install ?? 'build it with `bash scripts/build-tools.sh`');
  }
  // Not parts: up applies Argo CD's CRDs and config with kubectl; Argo CD renders with helm and kustomize.
  const kubectl = join(config.toolsBin, 'kubectl');
  if (!existsSync(kubectl)) missing.set(kubectl, 'build it with `bash scripts/build-tools.sh kubernetes`');
  for (const tool of argoCdTools) {
    const path = join(config.toolsBin, tool);
    if (!existsSync(path)) missing.set(path, `build it with \`bash scripts/build-tools.sh ${tool}\``);
  }
  return [...missing].map(([path, how]) => `missing ${path}: ${how}`);
}

/** Starts a part and waits until it is ready; a part that exits or stays unready fails with its log's last lines. */
export async function startPart(part: SandboxPart, context: PartContext, say: Progress): Promise<void> {
  const { config, layout } = context;
  // A part just stopped for a restart may take a moment to let go of its ports.
  for (const port of part.ports(config))
    await waitUntil(`${part.name}'s port ${port}`, () => expectPortFree(config.host, port), portReleaseMs).catch((err: Error) => {
      throw new SandboxError(`cannot start ${part.name}: ${err.message} (see \`baton sandbox --help\` for the port settings)`);
    });
  const started = Date.now();
  const record = await startProcess(layout, part.name, partBinary(config, part), await part.args(context), part.env?.(context));
  const check = async () => {
    if (!isRunning(record)) throw new GiveUp(`${part.name} exited`);
    await part.ready(context);
  };
  try {
    await waitUntil(part.name, check, config.readyTimeoutMs);
  } catch (err) {
    const tail = await logTail(layout, part.name, 15);
    throw new SandboxError(`${message(err)}\nlast lines of ${join(layout.logsDir, `${part.name}.log`)}:\n  ${tail.join('\n  ')}`);
  }
  say(`${part.name} ready on ${part.endpoint(config)} (${seconds(Date.now() - started)})`);
}

/** Brings a part up (see bringUpPart), then puts in the cluster the objects it needs. */
async function ensurePart(part: SandboxPart, context: PartContext, say: Progress): Promise<'reused' | 'started'> {
  const outcome = await bringUpPart(part, context, say);
  if (part.afterReady) {
    try {
      await part.afterReady(context);
    } catch (err) {
      throw new SandboxError(`${part.name} is ready, but what the sandbox puts in the cluster with it failed: ${message(err)}`);
    }
  }
  return outcome;
}

/** Reuses a healthy running part; restarts one that runs but does not answer; starts a missing one. */
async function bringUpPart(part: SandboxPart, context: PartContext, say: Progress): Promise<'reused' | 'started'> {
  let prepared;
  if (part.prepare) {
    try {
      prepared = await part.prepare(context);
    } catch (err) {
      throw new SandboxError(`cannot prepare ${part.name}: ${message(err)}`);
    }
  }
  const record = await readPidRecord(context.layout, part.name);
  if (record && isRunning(record) && prepared?.restart) {
    say(`${part.name} (pid ${record.pid}) restarting: ${prepared.restart}`);
    await stopProcess(record, stopGraceMs);
  } else if (record && isRunning(record)) {
    try {
      await waitUntil(part.name, () => part.ready(context), reuseCheckMs);
      say(`${part.name} already running (pid ${record.pid}) on ${part.endpoint(context.config)}`);
      return 'reused';
    } catch (err) {
      say(`${part.name} (pid ${record.pid}) runs but is not healthy (${message(err)}): restarting it`);
      await stopProcess(record, stopGraceMs);
    }
  } else if (record) {
    say(`${part.name} (pid ${record.pid}) is no longer running: starting it again`);
  }
  await startPart(part, context, say);
  return 'started';
}

type Outcome = 'reused' | 'started';

/** Every part of these settled results that failed, each message once; throws them together. */
function expectAllFulfilled<T>(results: PromiseSettledResult<T>[]): T[] {
  const failures = [...new Set(results.flatMap((result) => (result.status === 'rejected' ? [message(result.reason)] : [])))];
  if (failures.length) throw new SandboxError(failures.join('\n'));
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

/**
 * Starts each of these parts as soon as the parts it needs are ready; Temporal and the Kubernetes chain in
 * parallel. Outcomes are keyed by the names `sandbox logs` knows them by (`prod/etcd` in an extra cluster).
 */
async function ensureParts(context: PartContext, cluster: SandboxCluster, parts: SandboxPart[]): Promise<Map<string, Outcome>> {
  const pending = new Map<string, Promise<Outcome>>();
  const bringUp = (part: SandboxPart): Promise<'reused' | 'started'> => {
    let outcome = pending.get(part.name);
    if (!outcome) {
      const dependencies = parts.filter((dependency) => part.after.includes(dependency.name));
      outcome = Promise.all(dependencies.map(bringUp)).then(() => ensurePart(part, context, context.say));
      pending.set(part.name, outcome);
    }
    return outcome;
  };
  const outcomes = expectAllFulfilled(await Promise.allSettled(parts.map(bringUp)));
  return new Map(parts.map((part, index) => [clusterPartName(cluster, part.name), outcomes[index] as Outcome]));
}

/** The layout, PKI (each cluster has its own) and CA of a configuration's state folder. */
async function contextOf(config: SandboxConfig, argocd: ArgoCdRelease, say: Progress): Promise<PartContext> {
  const layout = sandboxLayout(config);
  await mkdir(layout.stateDir, { recursive: true });
  const tokens = await ensurePki(layout);
  return { config, layout, tokens, ca: await readFile(layout.caCert, 'utf8'), argocd, say };
}

/** What every part's command line and probe need: the layout, PKI, CA and the pinned Argo CD release. */
export async function partContext(config: SandboxConfig, say: Progress): Promise<PartContext> {
  const argocd = await argoCdRelease(config).catch((err: unknown) => {
    throw new SandboxError(message(err));
  });
  return contextOf(config, argocd, say);
}

/** The context of a cluster's parts: the hub's own, or the extra cluster's, whose progress lines name it. */
function clusterContext(hub: PartContext, cluster: SandboxCluster): Promise<PartContext> {
  if (cluster.index === 0) return Promise.resolve(hub);
  return contextOf(cluster.config, hub.argocd, (line) => hub.say(clusterPartName(cluster, line)));
}

/** Whether any part of these clusters runs (the hub's: any of its parts). */
async function anyPartRunning(clusters: SandboxCluster[]): Promise<boolean> {
  for (const cluster of clusters) {
    const layout = sandboxLayout(cluster.config);
    for (const part of cluster.index === 0 ? sandboxParts : clusterParts) {
      const record = await readPidRecord(layout, part.name);
      if (record && isRunning(record)) return true;
    }
  }
  return false;
}

/**
 * The clusters this up runs: the ones asked for, else the recorded ones, else one. A running sandbox keeps
 * its clusters: another list needs a `down` first (each cluster's state stays for when it is named again).
 */
async function upClusters(config: SandboxConfig, layout: SandboxLayout): Promise<string[]> {
  const record = await readRecord(layout);
  const recorded = record && (record.clusters ?? defaultClusters);
  const clusters = config.clusters ?? recorded ?? defaultClusters;
  if (recorded && clusters.join(',') !== recorded.join(',')) {
    const running = await anyPartRunning(sandboxClusters({ ...config, ports: { ...config.ports, ...record.ports } }, recorded));
    if (running)
      throw new SandboxError(
        `the sandbox in ${layout.stateDir} runs the clusters ${recorded.join(',')}; ${clusters.join(',')} needs it stopped first: ` +
          `\`baton sandbox down\`, then \`baton sandbox up --clusters ${clusters.join(',')}\` (each cluster's state is kept)`,
      );
  }
  return clusters;
}

/**
 * The Argo CD mode this up runs: the one asked for, else the recorded one, else preinstalled. Changing
 * the mode of a cluster that exists would mix the two: it needs an empty cluster.
 */
async function upMode(config: SandboxConfig, layout: SandboxLayout): Promise<ArgoCdMode> {
  const recorded = await lastArgoCdMode(layout);
  const mode = config.argocdMode ?? recorded ?? 'preinstalled';
  if (recorded && mode !== recorded && existsSync(layout.etcdDataDir)) {
    throw new SandboxError(
      `the sandbox in ${layout.stateDir} runs Argo CD ${recorded}; ${mode} needs an empty cluster: ` +
        `\`baton sandbox wipe-cluster --yes --argocd ${mode}\` (Temporal keeps its histories)`,
    );
  }
  return mode;
}

/**
 * `baton sandbox up`: every part running and ready, the fake nodes Ready. Running twice is harmless:
 * healthy parts are reused. Records the cold-start time when it started every part itself.
 */
export async function sandboxUp(config: SandboxConfig, progress: Progress = () => {}): Promise<SandboxStatus> {
  const say: Progress = (line) => progress(`[sandbox] ${line}`);
  const began = Date.now();
  const missing = missingBinaries(config);
  if (missing.length) throw new SandboxError(missing.join('\n'));
  const mode = await upMode(config, sandboxLayout(config));
  const names = await upClusters(config, sandboxLayout(config));
  const context = await partContext({ ...config, argocdMode: mode, clusters: names }, say);
  const { layout } = context;
  const clusters = sandboxClusters(context.config, names);
  const contexts = await Promise.all(clusters.map((cluster) => clusterContext(context, cluster)));
  for (const { config: own, layout: where, tokens } of contexts)
    await writeKubeconfigs(where, `https://${own.host}:${own.ports.apiserver}`, tokens);
  if (mode === 'bootstrap')
    say('Argo CD mode bootstrap: the cluster gets no Argo CD objects from the sandbox; Argo CD runs once bootstrap installs it');
  if (clusters.length > 1)
    say(`${clusters.length} clusters: ${names[0]} (the hub, in-cluster to Argo CD), ${names.slice(1).join(', ')} (own control planes)`);

  // The hub's parts (in this Argo CD mode; parts the supervisor starts are not waited for) and each extra cluster's control plane.
  const hubParts = sandboxParts.filter((part) => startedBy(part, mode) === 'up');
  const ownParts = clusterParts.filter((part) => startedBy(part, mode) === 'up');
  const outcomes = new Map(
    expectAllFulfilled(
      await Promise.allSettled(
        clusters.map((cluster, index) => ensureParts(contexts[index] ?? context, cluster, index === 0 ? hubParts : ownParts)),
      ),
    ).flatMap((byPart) => [...byPart]),
  );
  expectAllFulfilled(
    await Promise.allSettled(clusters.map((cluster, index) => ensureReadyNodes(contexts[index] ?? context, cluster, say))),
  );

  const elapsed = Date.now() - began;
  const cold = [...outcomes.values()].every((outcome) => outcome === 'started');
  const previous = await readRecord(layout);
  await writeRecord(layout, {
    ports: config.ports,
    argocdMode: mode,
    clusters: names,
    coldStartSeconds: cold ? Math.round(elapsed / 100) / 10 : (previous?.coldStartSeconds ?? null),
    upAt: new Date().toISOString(),
  });
  const reused = [...outcomes.values()].filter((outcome) => outcome === 'reused').length;
  say(
    `sandbox ready in ${seconds(elapsed)}${cold ? ' (cold start)' : ` (${reused} of ${outcomes.size} parts reused)`}; kubeconfig: ${layout.kubeconfig}`,
  );
  return sandboxStatus(config);
}

/** Creates a cluster's fake nodes and waits until they are Ready. */
async function ensureReadyNodes({ config, layout }: PartContext, cluster: SandboxCluster, say: Progress): Promise<void> {
  await ensureFakeNodes(layout.kubeconfig, config.nodeCount);
  const nodesMs = await waitUntil(
    `${config.nodeCount} kwok nodes`,
    () => expectFakeNodesReady(layout.kubeconfig, config.nodeCount),
    config.readyTimeoutMs,
  );
  say(`${cluster.index ? `${cluster.name}: ` : ''}${config.nodeCount} kwok nodes Ready (${seconds(nodesMs)})`);
}

/** Where the sandbox's programs come from: .tools/bin and the Debian programs some parts run. */
export function sandboxCommands(config: SandboxConfig): string[] {
  return [...new Set([config.toolsBin, ...sandboxParts.map((part) => partBinary(config, part))])];
}

export interface StoppedPart {
  name: string;
  pid: number;
  outcome: StopOutcome;
}

/** `baton sandbox down`: stops every part it started (dependents first), and any stray process of this sandbox. */
export async function sandboxDown(baseConfig: SandboxConfig, progress: Progress = () => {}): Promise<StoppedPart[]> {
  const say: Progress = (line) => progress(`[sandbox] ${line}`);
  const layout = sandboxLayout(baseConfig);
  const config = await recordedConfig(baseConfig, layout);
  // Companions recorded next to the parts (the worker `baton up` starts) use the parts: they stop first.
  const recorded = (await readdir(layout.pidsDir).catch(() => [] as string[]))
    .filter((file) => file.endsWith('.pid'))
    .map((file) => file.slice(0, -'.pid'.length));
  const companions = recorded.filter((name) => !partNamed(name));
  const stopped = await stopRecorded(layout, [...companions, ...[...sandboxParts].reverse().map((part) => part.name)], say);
  for (const cluster of sandboxClusters(config, config.clusters).slice(1)) {
    const names = [...clusterParts].reverse().map((part) => part.name);
    stopped.push(...(await stopRecorded(sandboxLayout(cluster.config), names, (line) => say(clusterPartName(cluster, line)))));
  }
  for (const stray of processesMentioning(sandboxCommands(config), `${layout.stateDir}/`)) {
    stopped.push(await stopOne(`stray ${stray.command}`, { ...stray, startedAt: '' }, say));
  }
  if (!stopped.length) say('nothing was running');
  return stopped;
}

async function stopOne(name: string, record: PidRecord, say: Progress): Promise<StoppedPart> {
  const outcome = await stopProcess(record, stopGraceMs);
  say(outcome === 'not running' ? `${name} (pid ${record.pid}) was not running` : `${name} ${outcome} (pid ${record.pid})`);
  return { name, pid: record.pid, outcome };
}

/** Stops the recorded processes of these names, in this order, and forgets their pid records. */
export async function stopRecorded(layout: SandboxLayout, names: string[], say: Progress): Promise<StoppedPart[]> {
  const stopped: StoppedPart[] = [];
  for (const name of names) {
    const record = await readPidRecord(layout, name);
    if (record) stopped.push(await stopOne(name, record, say));
    await forgetProcess(layout, name);
  }
  return stopped;
}

/**
 * Cluster loss of the hub, on purpose (extra clusters keep running): stops every part but Temporal, deletes etcd's data and starts the parts
 * again, so the cluster comes back empty (but for the fake nodes and, in the preinstalled mode, the
 * sandbox's Argo CD) while Temporal keeps every run's history. The config may name a new Argo CD mode.
 * Companions such as the worker keep running.
 */
export async function sandboxWipeCluster(baseConfig: SandboxConfig, progress: Progress = () => {}): Promise<SandboxStatus> {
  const say: Progress = (line) => progress(`[sandbox] ${line}`);
  const layout = sandboxLayout(baseConfig);
  const clusterParts = [...sandboxParts].reverse().filter((part) => part.name !== 'temporal');
  await stopRecorded(
    layout,
    clusterParts.map((part) => part.name),
    say,
  );
  await rm(layout.etcdDataDir, { recursive: true, force: true });
  say(`cluster state deleted (${layout.etcdDataDir}); Temporal and its histories are kept`);
  return sandboxUp(baseConfig, progress);
}

import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { replayHistories, type NamedHistory } from '../src/worker/replay.js';
import { startLifecycle } from '../src/cli/lifecycleRun.js';
import { validatePlatformSpec, stackWorkflowId, lifecycleWorkflowId, type PlatformSpec } from '../src/spec/index.js';
import type { SandboxConfig, SandboxStatus } from '../src/sandbox/index.js';
import { stateQuery } from '../src/workflows/definitions.js';
import type { LifecycleState } from '../src/workflows/state.js';
import type { BenchPlatform } from './platforms.js';
import type { ReadyTimes } from './readinessDelay.js';
import { percentile } from './statistics.js';

/** The task queues of the bench's worker, apart from any other worker on the sandbox. */
const taskQueuePrefix = 'bench';

export interface BatonMeasurement {
  makespanMs: number;
  /** Per stack: from its Deployment becoming available to the run marking the stack healthy. */
  detectionP50Ms: number;
  detectionP95Ms: number;
  /** The events of the parent's largest run (the one that deployed the stacks), and how many runs it had. */
  parentEvents: number;
  parentRuns: number;
  largestChildEvents: number;
  workerPeakRssMiB: number;
  parentReplayMs: number;
  /** Phases 0 and 1 (preflight, bootstrap): before the stacks, not part of the makespan. */
  bootstrapMs: number;
}

/** Where a platform's stacks live in the sandbox's Git repository; Baton and the Argo CD peer deploy the same folders. */
export const stackPath = (run: string, platform: string, stack: string) => `bench/${run}/${platform}/${stack}`;

/** The spec of a bench platform: each stack a folder of the sandbox's Git repository, all in one namespace. */
export function benchSpec(
  platform: BenchPlatform,
  run: string,
  namespace: string,
  status: SandboxStatus,
  maxParallelStacks?: number,
): PlatformSpec {
  const validation = validatePlatformSpec({
    apiVersion: 'baton/v1alpha1',
    kind: 'Platform',
    metadata: { name: platform.name },
    spec: {
      source: { repoURL: status.git.url, targetRevision: status.git.branch },
      defaults: { healthTimeout: '5m', ...(maxParallelStacks ? { maxParallelStacks } : {}) },
      stacks: platform.stacks.map((s) => ({
        name: s.name,
        path: stackPath(run, platform.name, s.name),
        namespace,
        dependsOn: s.dependsOn,
      })),
    },
  });
  if (!validation.ok) throw new Error(`bench platform ${platform.name} is not a valid spec: ${JSON.stringify(validation.issues[0])}`);
  return validation.spec;
}

/** The worker's peak resident set (VmHWM), read before it exits. */
function peakRssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return line ? Math.round(Number(line.split(/\s+/)[1]) / 1024) : Number.NaN;
}

/**
 * `baton worker --sandbox` as its own process, one per platform so its peak RSS is that platform's.
 * With BATON_BENCH_CPU_PROF set to a folder, it writes a CPU profile there (node --cpu-prof) as it exits.
 */
function startWorker(config: SandboxConfig, env: NodeJS.ProcessEnv, status: SandboxStatus) {
  const log = openSync(join(config.stateDir, 'logs/bench-worker.log'), 'a');
  const profile = process.env.BATON_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BATON_BENCH_CPU_PROF}`] : [];
  const worker = spawn(
    process.execPath,
    [...profile, join(config.repoRoot, 'bin/baton.js'), 'worker', '--sandbox', '--task-queue-prefix', taskQueuePrefix],
    { env: { ...env, TEMPORAL_ADDRESS: status.temporal.address }, stdio: ['ignore', log, log] },
  );
  return {
    peakRssMiB: () => peakRssMiB(worker.pid!),
    stop: async () => {
      if (worker.exitCode !== null) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    },
  };
}

/** Event counts of histories, fetched a few at a time. */
async function eventCounts(client: Client, ids: string[]): Promise<number[]> {
  const counts: number[] = [];
  for (let i = 0; i < ids.length; i += 16) {
    const batch = ids.slice(i, i + 16).map(async (id) => (await client.workflow.getHandle(id).fetchHistory()).events?.length ?? 0);
    counts.push(...(await Promise.all(batch)));
  }
  return counts;
}

/**
 * The largest history among the runs of a workflow id, and how many runs there are: the parent continues as new in
 * steady state once Temporal suggests it, so its latest run may hold only a handful of events.
 */
async function largestRunHistory(client: Client, workflowId: string): Promise<{ history: NamedHistory['history']; runs: number }> {
  const runIds: string[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runIds.push(execution.runId);
  const histories = await Promise.all(
    (runIds.length ? runIds : [undefined]).map((runId) => client.workflow.getHandle(workflowId, runId).fetchHistory()),
  );
  const history = histories.reduce((a, b) => ((b.events?.length ?? 0) > (a.events?.length ?? 0) ? b : a));
  return { history, runs: histories.length };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long phases 0 and 1 (preflight, the Ansible bootstrap) may take before the stacks: not part of the makespan. */
const bootstrapBudgetMs = 10 * 60_000;

/**
 * The run's state until every stack is healthy; a failed stack, a stopped run, the budget passing (phase 2's,
 * counted from the run entering it, or the bootstrap's before that) or the bench being stopped ends it with a message.
 */
async function untilStacksHealthy(
  client: Client,
  workflowId: string,
  stacksBudgetMs: number,
  stacks: number,
  stop: AbortSignal,
): Promise<LifecycleState> {
  const handle = client.workflow.getHandle(workflowId);
  let deadline = Date.now() + bootstrapBudgetMs;
  let inPhase2 = false;
  for (;;) {
    const state = await handle.query(stateQuery).catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) throw err;
      return undefined;
    });
    if (state) {
      if (!inPhase2 && state.phase.number >= 2) [inPhase2, deadline] = [true, Date.now() + stacksBudgetMs];
      const healthy = state.stacks.filter((s) => s.status === 'healthy').length;
      if (healthy === stacks) return state;
      const failed = state.stacks.find((s) => s.status === 'failed');
      if (failed) throw new Error(`${workflowId}: stack ${failed.name} failed: ${failed.message}`);
      if (state.outcome !== 'running') throw new Error(`${workflowId} ended ${state.outcome}: ${state.error ?? ''}`);
      if (stop.aborted) throw new Error(`${workflowId}: stopped by ${String(stop.reason)} with ${healthy} of ${stacks} stacks healthy`);
      if (Date.now() > deadline)
        throw new Error(
          `${workflowId}: ${inPhase2 ? `${Math.round(stacksBudgetMs / 1000)} s in phase 2` : 'the bootstrap budget'} passed with ${healthy} of ${stacks} stacks healthy (phase ${state.phase.number})`,
        );
    } else if (Date.now() > deadline) throw new Error(`${workflowId}: the budget passed before the run answered its state query`);
    await sleep(500);
  }
}

/**
 * Deploys the platform with Baton (phases 0 to 2 of a real lifecycle run, its own worker process) and measures it:
 * the makespan from the first stack's start to the last one's healthy mark, as the run's state records them.
 */
export async function measureBaton(options: {
  config: SandboxConfig;
  env: NodeJS.ProcessEnv;
  status: SandboxStatus;
  spec: PlatformSpec;
  environment: string;
  namespace: string;
  ready: ReadyTimes;
  /** How long phase 2 may take. */
  budgetMs: number;
  /** Aborted when the bench is told to stop: the side ends as if its budget had passed. */
  stop: AbortSignal;
}): Promise<BatonMeasurement> {
  const { config, env, status, spec, environment, namespace, ready, budgetMs, stop } = options;
  const worker = startWorker(config, env, status);
  const connection = await Connection.connect({ address: status.temporal.address });
  const client = new Client({ connection });
  const workflowId = lifecycleWorkflowId(spec.metadata.name, environment);
  try {
    process.env.TEMPORAL_ADDRESS = status.temporal.address;
    const began = Date.now();
    await startLifecycle({ spec, environment, taskQueuePrefix });
    const state = await untilStacksHealthy(client, workflowId, budgetMs, spec.spec.stacks.length, stop);
    const starts = state.stacks.map((s) => Date.parse(s.startedAt!));
    const healthy = state.stacks.map((s) => Date.parse(s.healthyAt!));
    const detection = state.stacks
      .map((s) => Date.parse(s.healthyAt!) - (ready.readyAt.get(`${namespace}/${s.name}`) ?? Number.NaN))
      .filter(Number.isFinite);
    const workerPeakRssMiB = worker.peakRssMiB();
    const { history, runs: parentRuns } = await largestRunHistory(client, workflowId);
    const children = await eventCounts(
      client,
      spec.spec.stacks.map((s) => stackWorkflowId(spec.metadata.name, environment, s.name)),
    );
    const replayBegan = performance.now();
    const [replayed] = await replayHistories([{ name: workflowId, history }]);
    const parentReplayMs = Math.round(performance.now() - replayBegan);
    if (!replayed?.ok) throw new Error(`${workflowId} does not replay: ${replayed?.error?.message}`);
    return {
      makespanMs: Math.max(...healthy) - Math.min(...starts),
      detectionP50Ms: percentile(detection, 50),
      detectionP95Ms: percentile(detection, 95),
      parentEvents: history.events?.length ?? 0,
      parentRuns,
      largestChildEvents: Math.max(...children),
      workerPeakRssMiB,
      parentReplayMs,
      bootstrapMs: Math.min(...starts) - began,
    };
  } finally {
    await client.workflow
      .getHandle(workflowId)
      .terminate('bench measured; its objects are removed with its namespace')
      .catch(() => undefined);
    await worker.stop();
    await connection.close();
  }
}

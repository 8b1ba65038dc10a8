import { AppsV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { startLifecycle } from '../src/cli/lifecycleRun.js';
import { withClient } from '../src/cli/client.js';
import { commitFiles, superviseArgoCd } from '../src/sandbox/index.js';
import { repoRoot } from '../src/sandbox/config.js';
import { applicationName } from '../src/spec/names.js';
import { applySpecUpdate, resumeUpdate, stateQuery, teardownUpdate } from '../src/workflows/definitions.js';
import type { LifecycleState } from '../src/workflows/state.js';
import type { BenchSandbox } from '../bench/benchSandbox.js';
import { benchSpec, stackPath } from '../bench/batonRun.js';
import { randomDag, type BenchPlatform } from '../bench/platforms.js';
import { delayedStackManifest } from '../bench/readinessDelay.js';
import { deployProgress, inconsistencies, teardownProgress } from './consistency.js';
import { drillWorker, type DrillWorker } from './drillWorker.js';
import type { Fault, FaultContext } from './faults.js';
import { loopbackProxy } from './loopbackProxy.js';

/** One case's figures, as `drills/results/<date>.json` has them. */
export interface CaseResult {
  id: string;
  name: string;
  trials: number;
  /** Trials that ran: fewer than `trials` when the drill stopped early (interrupted, or a run it could not resume). */
  ran: number;
  /** Trials whose run reached its goal (steady state with every stack healthy, or torn down) within the trial's bound. */
  completed: number;
  /** Stacks whose Application Argo CD synced more than once: a stack synced again after it was healthy. */
  resyncedStacks: number;
  /** Inconsistent samples of the state query, stacks missing from the state, and objects a teardown left. */
  lostState: number;
  /** The longest time from the fault repaired to the run's next stack done (or its goal), over the trials. */
  longestRecoveryMs: number | null;
  /** What went wrong, trial by trial, for people. */
  problems: string[];
}

export interface DrillOptions {
  seed: number;
  stacks: number;
  faults: { fault: Fault; trials: number }[];
  /** How long one trial may take, fault included. */
  trialLimitMs: number;
  say: (line: string) => void;
  /** Asked before each trial: true stops the drill there, with the figures of the trials that ran. */
  stopRequested: () => boolean;
}

/** One sync in an Application's status.history. */
interface SyncRecord {
  deployStartedAt?: string;
  initiatedBy?: { username?: string; automated?: boolean };
}

interface Sample {
  at: number;
  state: LifecycleState | undefined;
}

/** The drill's moments and platforms come from one seed: `--seed` runs the same drill again. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const taskQueuePrefix = 'drill';
/**
 * The drill's runs heartbeat within 15 s instead of the default minute, so the activities a killed worker held are
 * given to the new one a quarter as late: the recovery is the same, and a trial of case a takes a minute less.
 */
const timeouts = { heartbeat: '15s' };
const sampleMs = 500;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Generation `g` of the platform: the same DAG, its stacks renamed, so a day-2 change replaces every stack. */
function generation(base: BenchPlatform, g: number): BenchPlatform {
  const rename = (name: string) => `g${g}-${name}`;
  return {
    name: base.name,
    stacks: base.stacks.map((s) => ({ ...s, name: rename(s.name), dependsOn: s.dependsOn.map(rename) })),
  };
}

/** Samples the run's state every half second until stopped; a query that gets no answer is an empty sample. */
function sampleState(client: Client, workflowId: string) {
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const state = await client.workflow
        .getHandle(workflowId)
        .query(stateQuery)
        .catch(() => undefined);
      samples.push({ at: Date.now(), state });
      await sleep(sampleMs);
    }
  })();
  return {
    samples,
    latest: (): LifecycleState | undefined => [...samples].reverse().find((s) => s.state)?.state,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function until(predicate: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
  return true;
}

/** Runs the drill on the sandbox: one lifecycle run hosts the deploy cases as day-2 changes; each teardown trial tears a run down. */
export async function runDrill(sandbox: BenchSandbox, options: DrillOptions): Promise<CaseResult[]> {
  const { status, config } = sandbox;
  const { say } = options;
  const random = seeded(options.seed);
  const platform: BenchPlatform = { ...randomDag(options.stacks, options.seed), name: `drill-${options.stacks}` };
  const run = Date.now().toString(36);
  const namespace = `drill-${run}`;
  const kube = new KubeConfig();
  kube.loadFromFile(status.kubeconfig);
  const applications = kube.makeApiClient(CustomObjectsApi);
  const deployments = kube.makeApiClient(AppsV1Api);

  process.env.TEMPORAL_ADDRESS = status.temporal.address;
  const proxy = await loopbackProxy(status.temporal.address);
  const worker: DrillWorker = drillWorker({
    repoRoot,
    logDir: join(config.stateDir, 'logs'),
    env: { ...sandbox.env, TEMPORAL_ADDRESS: proxy.address, BATON_LOG_LEVEL: 'INFO' },
    taskQueuePrefix,
  });
  const context: FaultContext = { config, worker, proxy, say: (line) => say(`    ${line}`) };
  let gen = 0;

  const specOf = (g: number) => benchSpec(generation(platform, g), run, namespace, status);
  const commitGeneration = (g: number) =>
    commitFiles(
      status.git.path,
      generation(platform, g).stacks.map((s) => ({
        path: `${stackPath(run, platform.name, s.name)}/app.yaml`,
        content: delayedStackManifest(s.name, s.readyAfterS),
      })),
      `Drill ${run}: generation ${g} of ${platform.name}`,
    );
  /** Each sync Argo CD recorded in the Application of each stack (its status.history); undefined for one that does not exist. */
  const syncHistories = async (environment: string, stacks: string[]) =>
    Promise.all(
      stacks.map(async (stack) => {
        const app = (await applications
          .getNamespacedCustomObject({
            group: 'argoproj.io',
            version: 'v1alpha1',
            namespace: 'argocd',
            plural: 'applications',
            name: applicationName(platform.name, environment, stack),
          })
          .catch(() => undefined)) as { status?: { history?: SyncRecord[] } } | undefined;
        return app ? (app.status?.history ?? []) : undefined;
      }),
    );
  /** The stacks Argo CD synced more than once, each with its syncs and the moment the run marked it healthy. */
  const resyncsOf = async (environment: string, stacks: string[], state: LifecycleState | undefined) => {
    const histories = await syncHistories(environment, stacks);
    return stacks.flatMap((name, i) => {
      const history = histories[i];
      if (!history || history.length <= 1) return [];
      const syncs = history.map(
        (h) => `${h.deployStartedAt ?? '?'} by ${h.initiatedBy?.automated ? 'automated sync' : (h.initiatedBy?.username ?? '?')}`,
      );
      const healthyAt = state?.stacks.find((s) => s.name === name)?.healthyAt ?? '?';
      return [`stack ${name} synced ${history.length} times (${syncs.join('; ')}), healthy at ${healthyAt}`];
    });
  };

  /** How many of these stacks' Applications still exist once Argo CD has had a minute to finish deleting them. */
  const remaining = async (environment: string, stacks: string[]) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const left = (await syncHistories(environment, stacks)).filter((c) => c !== undefined).length;
      if (!left || Date.now() >= deadline) return left;
      await sleep(2_000);
    }
  };

  /**
   * Starts a lifecycle run of generation `g` and waits until it is in steady state (phases 0–3 are not a trial);
   * undefined, having said why, when it does not get there: the drill then stops with the figures it has.
   */
  const startRun = async (client: Client, environment: string, g: number): Promise<string | undefined> => {
    await commitGeneration(g);
    const workflowId = await startLifecycle({ spec: specOf(g), environment, taskQueuePrefix, timeouts });
    const sampler = sampleState(client, workflowId);
    const ready = await until(() => {
      const s = sampler.latest();
      return !!s && s.phase.number === 3 && s.stacks.every((st) => st.status === 'healthy');
    }, 15 * 60_000);
    await sampler.stop();
    if (!ready) {
      const phase = sampler.latest()?.phase;
      say(
        `  ${workflowId} did not reach steady state within 15 min (${phase ? `phase ${phase.number}, ${phase.name}` : 'no state'}): the drill stops here`,
      );
      return undefined;
    }
    say(`${workflowId} in steady state with ${options.stacks} stacks`);
    return workflowId;
  };

  /** After a trial that did not complete: `resume`, as an operator would, and wait for the change to finish. */
  const resumeToSteadyState = async (client: Client, workflowId: string, stacks: string[]) => {
    const handle = client.workflow.getHandle(workflowId);
    const answer = await handle
      .executeUpdate(resumeUpdate, { args: [{ requestedBy: 'drill', reason: 'the trial did not complete' }] })
      .catch((err: unknown) => `refused: ${message(err)}`);
    say(`  resume after the trial: ${answer}`);
    const sampler = sampleState(client, workflowId);
    const steady = await until(() => {
      const s = sampler.latest();
      return !!s && s.phase.number === 3 && stacks.every((name) => s.stacks.find((st) => st.name === name)?.status === 'healthy');
    }, options.trialLimitMs);
    await sampler.stop();
    return steady;
  };

  /** Waits for `count` of the trial's stacks to reach `status`, then strikes: a random moment of the work. */
  const strike = async (fault: Fault, sampler: ReturnType<typeof sampleState>, stacks: string[], done: string) => {
    const after = Math.floor(random() * stacks.length);
    await until(
      () => (sampler.latest()?.stacks.filter((s) => stacks.includes(s.name) && s.status === done).length ?? 0) >= after,
      options.trialLimitMs,
    );
    const doneAtFault = sampler.latest()?.stacks.filter((s) => stacks.includes(s.name) && s.status === done).length ?? 0;
    say(`  ${fault.id}: ${fault.name} with ${doneAtFault} of ${stacks.length} stacks ${done}`);
    await fault.inject(context);
    return { repairedAt: Date.now(), doneAtFault };
  };

  /** From the repair to the first sample that shows more of the work done. */
  const recoveryMs = (samples: Sample[], repairedAt: number, stacks: string[], done: string, doneAtFault: number) => {
    const progressed = samples.find(
      (s) =>
        s.at >= repairedAt && s.state && s.state.stacks.filter((st) => stacks.includes(st.name) && st.status === done).length > doneAtFault,
    );
    return progressed ? progressed.at - repairedAt : null;
  };

  /** Runs a trial's steps while its sampler samples; what stopped them and each inconsistent sample are findings. */
  const observed = async (
    sampler: ReturnType<typeof sampleState>,
    progress: Parameters<typeof inconsistencies>[1],
    steps: () => Promise<void>,
  ) => {
    const lost: string[] = [];
    try {
      await steps();
    } catch (err) {
      lost.push(`the trial stopped: ${message(err)}`);
    } finally {
      await sampler.stop();
    }
    lost.push(
      ...inconsistencies(
        sampler.samples.map((s) => s.state),
        progress,
      ),
    );
    return lost;
  };

  const results = options.faults.map(({ fault, trials }) => ({
    id: fault.id,
    name: fault.name,
    trials,
    ran: 0,
    completed: 0,
    resyncedStacks: 0,
    lostState: 0,
    longestRecoveryMs: null as number | null,
    problems: [] as string[],
  }));
  const record = (
    result: CaseResult,
    trial: number,
    found: { completed: boolean; resyncs: string[]; lost: string[]; recovery: number | null },
  ) => {
    result.ran++;
    if (found.completed) result.completed++;
    result.resyncedStacks += found.resyncs.length;
    result.lostState += found.lost.length;
    if (found.recovery !== null) result.longestRecoveryMs = Math.max(result.longestRecoveryMs ?? 0, found.recovery);
    result.problems.push(...[...found.resyncs, ...found.lost].map((p) => `trial ${trial}: ${p}`));
    say(
      `  ${result.id} trial ${trial}: ${found.completed ? 'completed' : 'NOT completed'}, ${found.resyncs.length} resynced, ${found.lost.length} lost or inconsistent` +
        (found.recovery !== null ? `, recovered in ${found.recovery} ms` : ''),
    );
  };

  await worker.start();
  try {
    await withClient(async (client) => {
      const deployCases = options.faults.filter((f) => f.fault.during === 'deploy');
      const teardownCases = options.faults.filter((f) => f.fault.during === 'teardown');
      let environment = `${run}-0`;
      const first = await startRun(client, environment, gen);
      if (!first) return;
      let workflowId = first;

      // Round by round (a, b, …, f, then a again), so a drill stopped early has figures of every case.
      const rounds = Math.max(0, ...deployCases.map((c) => c.trials));
      const deployTrials = Array.from({ length: rounds }, (_, r) =>
        deployCases.filter((c) => c.trials > r).map(({ fault }) => ({ fault, trial: r + 1 })),
      ).flat();
      for (const { fault, trial } of deployTrials) {
        if (options.stopRequested()) return;
        const result = results.find((r) => r.id === fault.id)!;
        const previous = generation(platform, gen).stacks.map((s) => s.name);
        gen++;
        await commitGeneration(gen);
        const stacks = generation(platform, gen).stacks.map((s) => s.name);
        const reason = `drill case ${fault.id}, trial ${trial}`;
        const sampler = sampleState(client, workflowId);
        let completed = false;
        let recovery: number | null = null;
        const lost = await observed(sampler, deployProgress(stacks), async () => {
          await client.workflow
            .getHandle(workflowId)
            .executeUpdate(applySpecUpdate, { args: [{ spec: specOf(gen), requestedBy: 'drill', reason }] });
          const { repairedAt, doneAtFault } = await strike(fault, sampler, stacks, 'healthy');
          completed = await until(() => {
            const s = sampler.latest();
            return (
              !!s &&
              s.phase.number === 3 &&
              s.change?.reason === reason &&
              s.change.status === 'applied' &&
              stacks.every((name) => s.stacks.find((st) => st.name === name)?.status === 'healthy') &&
              s.stacks.every((st) => stacks.includes(st.name) || st.status === 'deleted')
            );
          }, options.trialLimitMs);
          recovery = recoveryMs(sampler.samples, repairedAt, stacks, 'healthy', doneAtFault);
        });
        const histories = await syncHistories(environment, stacks);
        stacks.forEach((name, i) => histories[i] === undefined && lost.push(`stack ${name} has no Application`));
        const left = await remaining(environment, previous);
        if (left) lost.push(`${left} Applications of the replaced stacks are still there a minute after the change`);
        const resyncs = await resyncsOf(environment, stacks, sampler.latest());
        record(result, trial, { completed, resyncs, lost, recovery });
        if (!completed && !(await resumeToSteadyState(client, workflowId, stacks))) {
          say(`  ${workflowId} could not be resumed to steady state: the drill stops here`);
          return;
        }
      }

      // Teardown removes Argo CD's install and the next run's bootstrap applies it again. In a cluster the new install
      // brings new Pods; the drill's preinstalled Argo CD would keep running with the old install's state (no
      // server.secretkey, watches on the deleted CRDs). So from here on Argo CD is run as bootstrap mode runs it:
      // stopped while its install is gone, started again, admin password set, once bootstrap has installed it.
      const supervision = new AbortController();
      const supervisor = teardownCases.length
        ? superviseArgoCd(config, (line) => say(`    argocd: ${line}`), supervision.signal)
        : Promise.resolve();
      try {
        for (const { fault, trials } of teardownCases) {
          const result = results.find((r) => r.id === fault.id)!;
          for (let trial = 1; trial <= trials; trial++) {
            if (options.stopRequested()) return;
            if (trial > 1) {
              environment = `${run}-${trial - 1}`;
              const next = await startRun(client, environment, gen);
              if (!next) return;
              workflowId = next;
            }
            const stacks = generation(platform, gen).stacks.map((s) => s.name);
            const sampler = sampleState(client, workflowId);
            let completed = false;
            let recovery: number | null = null;
            const lost = await observed(sampler, teardownProgress(stacks), async () => {
              const handle = client.workflow.getHandle(workflowId);
              await handle.executeUpdate(teardownUpdate, {
                args: [{ requestedBy: 'drill', reason: `drill case ${fault.id}, trial ${trial}` }],
              });
              const { repairedAt, doneAtFault } = await strike(fault, sampler, stacks, 'deleted');
              // A run that fails has ended too (the final state says how); a result still pending when the trial's time is
              // up must not reject later, once the client is closed, and take the drill down with it.
              const ended = await Promise.race([
                handle.result().then(
                  () => true,
                  () => true,
                ),
                sleep(options.trialLimitMs, undefined, { ref: false }).then(() => false),
              ]);
              const final = await handle.query(stateQuery).catch(() => undefined);
              completed = ended && final?.outcome === 'torn-down';
              if (ended && final) sampler.samples.push({ at: Date.now(), state: final });
              recovery = recoveryMs(sampler.samples, repairedAt, stacks, 'deleted', doneAtFault);
            });
            const orphanApps = await remaining(environment, stacks);
            if (orphanApps) lost.push(`${orphanApps} Applications are left after teardown`);
            const orphanDeployments = (await deployments.listNamespacedDeployment({ namespace }).catch(() => ({ items: [] }))).items.filter(
              (d) => stacks.includes(d.metadata?.name ?? ''),
            ).length;
            if (orphanDeployments) lost.push(`${orphanDeployments} Deployments are left after teardown`);
            record(result, trial, { completed, resyncs: [], lost, recovery });
          }
        }
      } finally {
        supervision.abort();
        await supervisor;
      }
      // Deploy cases alone leave their run in steady state: it is torn down, not measured.
      if (!teardownCases.length) {
        await client.workflow
          .getHandle(workflowId)
          .executeUpdate(teardownUpdate, { args: [{ requestedBy: 'drill', reason: 'drill done' }] });
        await Promise.race([
          client.workflow
            .getHandle(workflowId)
            .result()
            .catch(() => undefined),
          sleep(options.trialLimitMs, undefined, { ref: false }),
        ]);
      }
    });
  } finally {
    await worker.stop();
    await proxy.close();
  }
  return results;
}

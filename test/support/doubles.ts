import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type {
  AnsibleActivities,
  ArgoCdActivities,
  ClusterActivities,
  LiveStatus,
  PromotionActivities,
  StackTarget,
} from '../../src/activities/interfaces.js';
import type { EnvironmentFreight } from '../../src/promotion/gates.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import type { TrustZone } from '../../src/workflows/taskQueues.js';

export interface ActivityCall {
  activity: string;
  stack?: string;
  at: number;
  phase: 'start' | 'end' | 'cancelled';
}

/** Argo CD's view of a stack's Application, as the steady-state watch double reports it. */
export interface LiveApplication extends LiveStatus {
  message: string;
}

export interface DoubleOptions {
  /** Stacks whose health wait fails (non-retryable, as a Degraded application does). Mutable: clear it to fix the fault. */
  failing?: Set<string>;
  /** How long each stack takes to become healthy, in ms. */
  healthDelayMs?: (stack: string) => number;
  /** Where every call is reported (the worker-process test writes them to a file). */
  onCall?: (call: ActivityCall) => void;
  /** Preflight checks that fail. Mutable: clear it to fix the cluster. */
  failingChecks?: Set<string>;
  /** Argo CD's view of each stack in steady state; Healthy/Synced when absent. Mutable: set one to make the watch report it. */
  liveApplications?: Map<string, LiveApplication>;
  /** Set `reason` to make the watch fail non-retryably, as Argo CD refusing the account does. Mutable: delete it to fix the fault. */
  watchRefusal?: { reason?: string };
  /** The promotion zone's outcomes. */
  promotion?: PromotionKnobs;
  /** How long each playbook runs, heartbeating, in ms; absent: at once. */
  playbookMs?: (playbook: string) => number;
}

/** What the promotion zone's doubles answer; every field is mutable, so a test changes an outcome mid-run. */
export interface PromotionKnobs {
  /** Each lifecycle run's freight as environmentFreight reports it, by workflow id; absent: none deployed, phase 3. */
  environments?: Map<string, EnvironmentFreight>;
  /** What beginPromotion answers the target ran before. */
  previous?: { id: string; revision: string } | null;
  /** Set `reason` to make beginPromotion refuse, as a lifecycle run that is not in steady state does. */
  beginRefusal?: { reason?: string };
  /** Revisions at which promoteRevision finds a canary paused, until resumeRollouts, abortRollouts or promoteRolloutsFully. */
  pausedAt?: Set<string>;
  /** Revisions whose sync comes out Degraded. */
  degraded?: Set<string>;
  /** How long promoteRevision takes, in ms. */
  promoteDelayMs?: number;
  /** runVerification's verdicts, one per call; Successful when none is left. */
  verdicts?: ('Successful' | 'Failed' | 'Error' | 'Inconclusive')[];
  /** The commit latestRevision finds on the branch. */
  branch?: { revision: string };
}

/** The commit the resolveRevision double finds a branch at (a commit as it is): 40 hex digits, the same for the same name. */
export const resolvedCommit = (revision: string) =>
  /^[0-9a-f]{40}$/.test(revision) ? revision : createHash('sha1').update(revision).digest('hex');

/** The paused canary the promotion doubles report. */
export const pausedCanary = { stack: 'app', application: 'demo-prod-app', name: 'app', namespace: 'app' };

/** What the health wait of a failing stack says, as Argo CD's Degraded verdict would. */
export const degradedMessage = (stack: string) => `application ${stack} is Degraded: Deployment/${stack} has 0/1 ready replicas`;

/** Why a failing preflight check failed. */
export const failedCheckReason = (check: string) => `${check} failed in the test double`;

/**
 * Test doubles of every trust zone's activities: they record calls and time, and fail on
 * demand. Workflow tests use them; the real activities are tested against the sandbox.
 */
export function activityDoubles(options: DoubleOptions = {}) {
  const calls: ActivityCall[] = [];
  let running = 0;
  let maxRunning = 0;
  const record = (activity: string, phase: ActivityCall['phase'], stack?: string) => {
    const call = { activity, phase, at: Date.now(), ...(stack ? { stack } : {}) };
    calls.push(call);
    options.onCall?.(call);
  };
  const traced =
    <A extends unknown[], R>(
      activity: string,
      body: (...args: A) => Promise<R>,
      stackOf: (...args: A) => string | undefined = () => undefined,
    ) =>
    async (...args: A): Promise<R> => {
      record(activity, 'start', stackOf(...args));
      const result = await body(...args);
      record(activity, 'end', stackOf(...args));
      return result;
    };
  const stackOf = (t: StackTarget) => t.stack.name;

  const cluster: ClusterActivities = {
    preflight: traced('preflight', async () => {
      const failed = options.failingChecks ?? new Set<string>();
      const checks = ['api-reachable', 'server-version', 'nodes-ready', 'permissions'].map((name) => ({
        name,
        passed: !failed.has(name),
        reason: failed.has(name) ? failedCheckReason(name) : 'ok',
      }));
      return { passed: failed.size === 0, checks };
    }),
    findOrphans: traced('findOrphans', async () => []),
  };

  const ansible: AnsibleActivities = {
    runPlaybook: traced('runPlaybook', async ({ playbook }) => {
      // A playbook heartbeats while it runs, as the real one does: only a lost worker stops its heartbeat.
      for (const end = Date.now() + (options.playbookMs?.(playbook) ?? 0); Date.now() < end; await sleep(200))
        Context.current().heartbeat();
      return {
        playbook,
        ok: 10,
        changed: playbook === 'bootstrap' ? 5 : 1,
        failed: 0,
        unreachable: 0,
        credentialsRef: 'baton-system/baton-automation',
      };
    }),
  };

  const argocd: ArgoCdActivities = {
    awaitArgoCdOperational: traced('awaitArgoCdOperational', async () => ({ version: 'v3.5.1' })),
    ensureApplication: traced('ensureApplication', async (t) => ({ application: t.stack.name, created: true }), stackOf),
    syncApplication: traced('syncApplication', async (t) => ({ application: t.stack.name }), stackOf),
    awaitApplicationHealthy: traced(
      'awaitApplicationHealthy',
      async (t) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        try {
          await heartbeatingSleep(options.healthDelayMs?.(t.stack.name) ?? 10);
          if (options.failing?.has(t.stack.name)) {
            throw ApplicationFailure.nonRetryable(degradedMessage(t.stack.name), failureTypes.applicationFailed);
          }
          return { application: t.stack.name, health: 'Healthy', sync: 'Synced' };
        } finally {
          running -= 1;
        }
      },
      stackOf,
    ),
    deleteApplication: traced('deleteApplication', async (t) => ({ application: t.stack.name, existed: true }), stackOf),
    watchPlatformApplications: traced('watchPlatformApplications', async ({ applications, maxWatchMs }) => {
      const context = Context.current();
      const refusal = options.watchRefusal?.reason;
      if (refusal) throw ApplicationFailure.nonRetryable(refusal, failureTypes.argoCdPermissionDenied);
      const deadline = Date.now() + maxWatchMs;
      try {
        while (Date.now() < deadline) {
          for (const watched of applications) {
            const live = options.liveApplications?.get(watched.stack) ?? {
              sync: 'Synced',
              health: 'Healthy',
              message: `${watched.application}: Healthy/Synced`,
            };
            if (live.sync !== watched.known.sync || live.health !== watched.known.health) {
              return { changes: [{ stack: watched.stack, application: watched.application, ...live }] };
            }
          }
          context.heartbeat();
          await sleep(50, undefined, { signal: context.cancellationSignal });
        }
        return { changes: [] };
      } catch (err) {
        if (!context.cancellationSignal.aborted) throw err;
        record('watchPlatformApplications', 'cancelled');
        throw context.cancellationSignal.reason;
      }
    }),
  };

  const promotionInputs: { activity: string; input: unknown }[] = [];
  const withInput =
    <I, R>(activity: string, body: (input: I) => Promise<R>) =>
    (input: I): Promise<R> => {
      promotionInputs.push({ activity, input });
      return traced(activity, body)(input);
    };
  const knobs = options.promotion ?? {};
  const promotion: PromotionActivities = {
    resolveRevision: withInput('resolveRevision', async ({ revision }) => ({ revision: resolvedCommit(revision) })),
    latestRevision: withInput('latestRevision', async () => ({ revision: knobs.branch?.revision ?? 'a'.repeat(40) })),
    environmentFreight: withInput(
      'environmentFreight',
      async ({ workflowId }) => knobs.environments?.get(workflowId) ?? { freight: null, verifiedFreight: [], healthySince: null, phase: 3 },
    ),
    beginPromotion: withInput('beginPromotion', async () => {
      const refusal = knobs.beginRefusal?.reason;
      if (refusal) throw ApplicationFailure.nonRetryable(refusal, failureTypes.promotionRefused);
      return { previous: knobs.previous ?? null };
    }),
    endPromotion: withInput('endPromotion', async () => undefined),
    promoteRevision: withInput('promoteRevision', async ({ revision }) => {
      await heartbeatingSleep(knobs.promoteDelayMs ?? 10);
      if (knobs.degraded?.has(revision)) throw ApplicationFailure.nonRetryable(degradedMessage('app'), failureTypes.applicationFailed);
      return knobs.pausedAt?.has(revision) ? { outcome: 'paused' as const, rollouts: [pausedCanary] } : { outcome: 'healthy' as const };
    }),
    resumeRollouts: withInput('resumeRollouts', async () => void knobs.pausedAt?.clear()),
    abortRollouts: withInput('abortRollouts', async () => void knobs.pausedAt?.clear()),
    promoteRolloutsFully: withInput('promoteRolloutsFully', async () => void knobs.pausedAt?.clear()),
    runVerification: withInput('runVerification', async ({ environment }) => {
      const phase = knobs.verdicts?.shift() ?? 'Successful';
      const measurement = {
        metric: 'smoke',
        phase,
        value: phase === 'Successful' ? '{"ok":true}' : '{"ok":false}',
        at: new Date().toISOString(),
      };
      return {
        analysisRun: `smoke-${environment}`,
        phase,
        message: phase === 'Successful' ? '' : `metric "smoke" assessed ${phase}`,
        measurements: [measurement],
      };
    }),
  };

  const zones: Record<TrustZone, object> = { cluster, ansible, argocd, promotion };
  return {
    zones,
    calls,
    /** Every promotion-zone call with its input, in order. */
    promotionInputs,
    /** The inputs of one promotion-zone activity's calls. */
    inputsOf<I = Record<string, unknown>>(activity: string): I[] {
      return promotionInputs.filter((c) => c.activity === activity).map((c) => c.input as I);
    },
    maxConcurrentHealthWaits: () => maxRunning,
    /** Completed calls of one activity, per stack. */
    completions(activity: string): Map<string, number> {
      const counts = new Map<string, number>();
      for (const c of calls)
        if (c.activity === activity && c.phase === 'end' && c.stack) counts.set(c.stack, (counts.get(c.stack) ?? 0) + 1);
      return counts;
    },
  };
}

/** Sleeps, heartbeating, and ends at once when the activity is cancelled (as an abort does). */
async function heartbeatingSleep(ms: number): Promise<void> {
  const context = Context.current();
  const end = Date.now() + ms;
  while (Date.now() < end) {
    context.heartbeat();
    await sleep(Math.min(200, end - Date.now()), undefined, { signal: context.cancellationSignal });
  }
}

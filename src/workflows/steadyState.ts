import { CancellationScope, condition, isCancellation, log, proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { ApplicationChange, ArgoCdActivities } from '../activities/interfaces.js';
import { durationMs } from '../spec/duration.js';
import { applicationName, appProjectName } from '../spec/names.js';
import { zoneActivityOptions } from './activityOptions.js';
import type { ControlRequests } from './control.js';
import { describeFailure } from './failures.js';
import type { Timeouts } from './input.js';
import { steadyStateEventLimit, type LifecycleState } from './state.js';

/** The marker of phase 3's Argo CD watch: runs started before it only wait for a request. */
export const steadyStateWatchPatch = 'steady-state-watch';

/** Argo CD being away for a while is no reason to leave steady state: the watch is retried without end. */
const watchRetry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' };

/** How a stack stands once deployed, until Argo CD reports otherwise. */
const deployed = { sync: 'Synced', health: 'Healthy' };

export interface SteadyStateTarget {
  platform: string;
  environment: string;
  taskQueuePrefix: string;
  timeouts: Timeouts;
}

/** What a promotion's own sync looks like while it moves the Applications: expected, not drift. */
const promotionStatuses = new Set(['OutOfSync', 'Progressing', 'Suspended']);

/** Whether a change is the promotion's doing: while one holds the platform, its sync and rollout states are not recorded. */
function promotionsOwn(state: LifecycleState, change: ApplicationChange): boolean {
  return state.promotion !== null && (promotionStatuses.has(change.sync) || promotionStatuses.has(change.health));
}

/** Records a change as the stack's live status and as the latest of the bounded steady-state events. */
function recordChange(state: LifecycleState, change: ApplicationChange, at: string): void {
  const stack = state.stacks.find((s) => s.name === change.stack);
  if (stack) stack.live = { sync: change.sync, health: change.health, since: at };
  const event = { stack: change.stack, sync: change.sync, health: change.health, message: change.message, at };
  state.steadyStateEvents = [...state.steadyStateEvents, event].slice(-steadyStateEventLimit);
}

/**
 * Phase 3: watches Argo CD's view of every stack's Application, one bounded watch after another, and
 * records each change, until `ended()` (a teardown or abort request, or the server suggesting
 * continueAsNew) cancels the watch, or `maxWatches` watches have completed. A watch that fails for good
 * (credentials, permissions) becomes the run's error until resume.
 */
export async function watchSteadyState(
  state: LifecycleState,
  control: ControlRequests,
  target: SteadyStateTarget,
  ended: () => boolean,
  maxWatches = Number.POSITIVE_INFINITY,
): Promise<void> {
  const { platform, environment, taskQueuePrefix, timeouts } = target;
  const maxWatchMs = durationMs(timeouts.steadyStateWatch);
  const argocd = proxyActivities<ArgoCdActivities>(
    zoneActivityOptions(taskQueuePrefix, 'argocd', timeouts, `${maxWatchMs + durationMs(timeouts.argoCdCall)}ms`, watchRetry),
  );
  // What the watch last saw of a stack and did not record (a promotion's own sync): the next watch starts from it.
  const unrecorded = new Map<string, { sync: string; health: string }>();
  const watchOnce = async () => {
    const applications = state.stacks.map((s) => ({
      stack: s.name,
      application: applicationName(platform, environment, s.name),
      project: appProjectName(platform, environment),
      known: unrecorded.get(s.name) ?? (s.live ? { sync: s.live.sync, health: s.live.health } : deployed),
    }));
    const { changes } = await argocd.watchPlatformApplications.executeWithOptions(
      { summary: `watch ${applications.length} Applications` },
      [{ applications, maxWatchMs }],
    );
    state.error = null;
    for (const change of changes) {
      const recorded = state.stacks.find((s) => s.name === change.stack)?.live ?? deployed;
      if (promotionsOwn(state, change) || (recorded.sync === change.sync && recorded.health === change.health)) {
        unrecorded.set(change.stack, { sync: change.sync, health: change.health });
        continue;
      }
      unrecorded.delete(change.stack);
      recordChange(state, change, new Date().toISOString());
      log.info(`stack ${change.stack} is ${change.health}/${change.sync}: ${change.message}`);
    }
  };
  const scope = new CancellationScope();
  const watching = scope.run(async () => {
    for (let completed = 0; completed < maxWatches;) {
      try {
        await watchOnce();
        completed += 1;
      } catch (err) {
        if (isCancellation(err)) throw err;
        state.error = `the steady-state watch of Argo CD failed: ${describeFailure(err)}`;
        state.waitingFor = 'resume after fixing the cause, or teardown';
        log.warn(state.error);
        await condition(() => control.resume !== null);
        control.resume = null;
        state.error = null;
        state.waitingFor = 'teardown request';
      }
    }
  });
  await Promise.race([watching, condition(ended)]);
  scope.cancel();
  await watching.catch((err: unknown) => {
    if (!isCancellation(err)) throw err;
  });
}

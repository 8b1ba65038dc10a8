import { CancellationScope, condition, executeChild, isCancellation, log, patched } from '@temporalio/workflow';
import { reverseGraph } from '../dag/index.js';
import { defaultMaxParallelStacks, stackWorkflowId } from '../spec/index.js';
import { deployStack, type StackAction } from './deployStack.js';
import { describeFailure } from './failures.js';
import { now, type PlatformRun } from './platformRun.js';
import { StackScheduler, type PassOutcome } from './stackScheduler.js';
import type { StackStatus } from './state.js';

/** What a stack becomes while its action runs, and once it has succeeded. */
const statusOf: Record<StackAction, { running: StackStatus; done: StackStatus }> = {
  deploy: { running: 'deploying', done: 'healthy' },
  delete: { running: 'deleting', done: 'deleted' },
};

/** Runs with this marker deploy defaultMaxParallelStacks at once when the spec sets no maxParallelStacks. */
export const parallelStacksDefaultPatch = 'max-parallel-stacks-default';
/** The default of the runs recorded before that marker. */
const formerDefaultMaxParallelStacks = 4;

/** Stacks a resume tries again: the failed ones and those they blocked. */
const retriedOnResume: ReadonlySet<StackStatus> = new Set(['failed', 'blocked']);

/**
 * Phases 2 and 4: runs the stacks in one direction (deploy along the graph, delete against it) until
 * every one is done; after a failure waits for resume and tries the failed and blocked stacks again.
 * `within` limits the pass to those stacks (a change's removals), the others counting as done.
 * False when the run is aborted or, while waiting, torn down.
 */
export async function untilStacksDone(run: PlatformRun, action: StackAction, within?: ReadonlySet<string>): Promise<boolean> {
  for (;;) {
    const outcome = await runPass(run, action, within);
    if (outcome === 'completed') return true;
    if (outcome === 'aborted') return false;
    const failed = run.state.stacks.filter((s) => s.status === 'failed').map((s) => s.name);
    if (!(await run.awaitResume(`resume after fixing ${failed.join(', ')}, or ${action === 'deploy' ? 'teardown or ' : ''}abort`)))
      return false;
    for (const s of run.state.stacks) {
      if (retriedOnResume.has(s.status)) {
        s.status = 'pending';
        s.message = null;
      }
    }
  }
}

/** One pass: a child workflow per stack, started when the scheduler says; an abort cancels the running ones. */
async function runPass(run: PlatformRun, action: StackAction, within: ReadonlySet<string> | undefined): Promise<PassOutcome> {
  const { running, done } = statusOf[action];
  const graph = action === 'deploy' ? run.graph : reverseGraph(run.graph);
  const { maxParallelStacks, failurePolicy } = run.spec.spec.defaults;
  const scheduler = new StackScheduler(graph, (name) => within?.has(name) === false || run.stack(name).status === done, {
    maxParallel: maxParallelStacks ?? (patched(parallelStacksDefaultPatch) ? defaultMaxParallelStacks : formerDefaultMaxParallelStacks),
    failFast: failurePolicy === 'failFast',
  });
  const scope = new CancellationScope();

  const runStack = async (name: string) => {
    const s = run.stack(name);
    s.status = running;
    s.attempts += 1;
    s.startedAt = now();
    s.message = null;
    const { platform, environment, settings } = run;
    const target = { platform, environment, cluster: run.cluster, stack: run.resolved(name) };
    try {
      await scope.run(() =>
        executeChild(deployStack, {
          workflowId: stackWorkflowId(platform, environment, name),
          staticSummary: `${action} stack ${name}`,
          args: [{ target, action, taskQueuePrefix: settings.taskQueuePrefix, timeouts: settings.timeouts }],
        }),
      );
      s.status = done;
      s.finishedAt = now();
      if (action === 'deploy') s.healthyAt = s.finishedAt;
      log.info(`stack ${name} ${s.status}`);
      scheduler.succeeded(name);
    } catch (err) {
      s.finishedAt = now();
      if (isCancellation(err)) {
        s.status = 'aborted';
        log.warn(`stack ${name}: ${action} aborted`);
        scheduler.cancelled(name);
        return;
      }
      s.status = 'failed';
      s.message = describeFailure(err);
      log.warn(`stack ${name} failed to ${action}: ${s.message}`);
      for (const blocked of scheduler.failed(name)) {
        run.stack(blocked).status = 'blocked';
        run.stack(blocked).message = `waits for ${name}, which failed`;
      }
    }
  };

  let cancelled = false;
  for (;;) {
    if (run.control.abort !== null) scheduler.abort();
    for (const name of scheduler.start()) void runStack(name);
    if (scheduler.running === 0) break;
    const seen = scheduler.settled;
    await condition(() => scheduler.settled > seen || (run.control.abort !== null && !cancelled));
    if (run.control.abort !== null && !cancelled) {
      cancelled = true;
      scope.cancel();
    }
  }
  return scheduler.outcome();
}

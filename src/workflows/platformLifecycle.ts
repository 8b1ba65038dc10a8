import { allHandlersFinished, condition, continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import { describeRequest } from './control.js';
import type { LifecycleInput } from './input.js';
import { handleLifecycleMessages } from './lifecycleHandlers.js';
import { PlatformRun } from './platformRun.js';
import { preflightStep } from './preflight.js';
import { untilStacksDone } from './stackPass.js';
import type { LifecycleState } from './state.js';
import { steadyStateWatchPatch, watchSteadyState } from './steadyState.js';

/**
 * A platform's whole life as one durable run: phase 0 preflight, phase 1 bootstrap (child),
 * phase 2 stacks in dependency order (a child each), phase 3 steady state, phase 4 teardown.
 * A failure parks the run in its phase until `resume`; nothing healthy is deployed again.
 * See docs/architecture.md#workflow-shape.
 */
export async function platformLifecycle(rawInput: LifecycleInput): Promise<LifecycleState> {
  const run = new PlatformRun(rawInput, workflowInfo().workflowId);
  const { state, control } = run;
  handleLifecycleMessages(run);
  run.publish();

  if (!run.carried) {
    run.enterPhase(0);
    if (!(await run.untilSucceeds(preflightStep(run)))) return run.finish('aborted');

    run.enterPhase(1);
    const installReason = 'preflight passed; the bootstrap layer installs Argo CD and the automation credentials';
    if (!(await run.runBootstrap('install', 'external', 'orchestration', installReason))) return run.finish('aborted');

    run.enterPhase(2);
    if (!(await untilStacksDone(run, 'deploy'))) return control.teardown ? teardown(run) : run.finish('aborted');
    run.transfer('orchestration', 'deployment', `all ${run.stacks.length} stacks are healthy; Argo CD reconciles from here`);
  }

  run.enterPhase(3);
  state.waitingFor = 'teardown request';
  const steadyStateEnds = () => control.teardown !== null || control.abort !== null || workflowInfo().continueAsNewSuggested;
  if (patched(steadyStateWatchPatch)) {
    const { taskQueuePrefix, timeouts, continueAsNewAfterWatches } = run.settings;
    await watchSteadyState(
      state,
      control,
      { platform: run.platform, environment: run.environment, taskQueuePrefix, timeouts },
      steadyStateEnds,
      continueAsNewAfterWatches,
    );
  } else {
    await condition(steadyStateEnds);
  }
  state.waitingFor = null;
  // An update still being handled would be lost with this run: let it finish (and record its request) first.
  await condition(allHandlersFinished);
  if (control.teardown) return teardown(run);
  if (control.abort) return run.finish('aborted');
  return continueAsNew<typeof platformLifecycle>({ ...rawInput, carriedState: state });
}

/** Phase 4: authority back from Argo CD, every stack deleted in reverse order, then the bootstrap layer's teardown. */
async function teardown(run: PlatformRun): Promise<LifecycleState> {
  run.enterPhase(4);
  const { state, control } = run;
  const request = control.teardown ?? {};
  if (state.authority.platform === 'deployment') run.transfer('deployment', 'orchestration', describeRequest('teardown', request));
  for (const s of state.stacks) Object.assign(s, { status: 'pending', attempts: 0, message: null, live: undefined });
  control.teardown = null;
  if (!(await untilStacksDone(run, 'delete'))) return run.finish('aborted');
  const removeReason = 'every stack is removed; the bootstrap layer removes what it installed';
  const removed = await run.runBootstrap('teardown', 'orchestration', 'external', removeReason);
  return run.finish(removed ? 'torn-down' : 'aborted');
}

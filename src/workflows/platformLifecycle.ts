import { allHandlersFinished, condition, continueAsNew, log, patched, workflowInfo } from '@temporalio/workflow';
import { describeRequest } from './control.js';
import { keepCurrentDetails } from './currentDetails.js';
import type { LifecycleInput } from './input.js';
import { handleLifecycleMessages } from './lifecycleHandlers.js';
import { PlatformRun } from './platformRun.js';
import { preflightStep } from './preflight.js';
import { untilStacksDone } from './stackPass.js';
import { applySpecChange } from './specChangePass.js';
import { describeChange } from './specChangeRequest.js';
import { phase, restartStack, type LifecycleState } from './state.js';
import { steadyStateWatchPatch, watchSteadyState } from './steadyState.js';
import { ensureWarehouse } from './warehouseStart.js';

/** The markers of freight: runs started before them follow their spec's branch and start no warehouse. */
export const firstFreightPatch = 'first-freight';
export const warehousePatch = 'ensure-warehouse';

/**
 * A platform's whole life as one durable run: phase 0 preflight, phase 1 bootstrap (child),
 * phase 2 stacks in dependency order (a child each), phase 3 steady state, phase 4 teardown.
 * A failure parks the run in its phase until `resume`; nothing healthy is deployed again. An accepted
 * apply takes the run from phase 3 through phase 2 and on as a new run with the new spec.
 * See docs/architecture.md#workflow-shape.
 */
export async function platformLifecycle(rawInput: LifecycleInput): Promise<LifecycleState> {
  const run = new PlatformRun(rawInput, workflowInfo().workflowId);
  const { state, control } = run;
  handleLifecycleMessages(run);
  run.publish();
  keepCurrentDetails(state);

  if (!run.carried) {
    run.enterPhase(0);
    if (!(await run.untilSucceeds(preflightStep(run)))) return run.finish('aborted');

    run.enterPhase(1);
    const installReason = 'preflight passed; the bootstrap layer installs Argo CD and the automation credentials';
    if (!(await run.runBootstrap('install', 'external', 'orchestration', installReason))) return run.finish('aborted');

    run.enterPhase(2);
    if (patched(firstFreightPatch) && !(await run.untilSucceeds(() => run.pinFirstFreight()))) return run.finish('aborted');
    if (!(await untilStacksDone(run, 'deploy'))) return control.teardown ? teardown(run) : run.finish('aborted');
    run.transfer('orchestration', 'deployment', `all ${run.stacks.length} stacks are healthy; Argo CD reconciles from here`);
  }

  run.enterPhase(3);
  if (patched(warehousePatch)) await ensureWarehouse(run.spec, run.environment, run.settings.taskQueuePrefix);
  state.waitingFor = 'teardown request';
  const steadyStateEnds = () =>
    control.teardown !== null || control.abort !== null || run.change !== null || workflowInfo().continueAsNewSuggested;
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
  const change = run.change;
  run.change = null;
  if (change && (control.teardown || control.abort)) {
    log.warn(`${describeChange(change)}: not carried out, ${control.teardown ? 'teardown' : 'abort'} was requested before it began`);
  } else if (change) {
    if (!(await applySpecChange(run, change))) return control.teardown ? teardown(run) : run.finish('aborted');
    await condition(allHandlersFinished);
  }
  if (control.teardown) return teardown(run);
  if (control.abort) return run.finish('aborted');
  // The next run starts from the spec now deployed, so an applied change leaves this history behind; it starts
  // in phase 3 (as this run is, unless it just applied a change), as the requests it finds waiting see it.
  state.phase = phase(3);
  return continueAsNew<typeof platformLifecycle>({ ...rawInput, spec: run.specDocument, carriedState: state });
}

/** Phase 4: authority back from Argo CD, every stack deleted in reverse order, then the bootstrap layer's teardown. */
async function teardown(run: PlatformRun): Promise<LifecycleState> {
  run.enterPhase(4);
  const { state, control } = run;
  const request = control.teardown ?? {};
  if (state.authority.platform === 'deployment') run.transfer('deployment', 'orchestration', describeRequest('teardown', request));
  for (const s of state.stacks) restartStack(s);
  control.teardown = null;
  if (!(await untilStacksDone(run, 'delete'))) return run.finish('aborted');
  const removeReason = 'every stack is removed; the bootstrap layer removes what it installed';
  const removed = await run.runBootstrap('teardown', 'orchestration', 'external', removeReason);
  return run.finish(removed ? 'torn-down' : 'aborted');
}

import { getExternalWorkflowHandle, log, patched } from '@temporalio/workflow';
import type { PausedRollout } from '../activities/interfaces.js';
import { gateFailures, type EnvironmentFreight } from '../promotion/gates.js';
import { warehouseWorkflowId } from '../promotion/names.js';
import type { PromotionState } from '../promotion/state.js';
import { lifecycleWorkflowId } from '../spec/index.js';
import { describeFailure } from './failures.js';
import { freightVerifiedSignal } from './promotionDefinitions.js';
import { handlePromotionMessages } from './promotionHandlers.js';
import type { PromotionInput } from './promotionInput.js';
import { now, PromotionRun, type Decision } from './promotionRun.js';

/** How a promotion that holds the target's authority ended, before the authority goes back. */
type Failed = { outcome: 'failed' | 'rejected' | 'expired'; message: string };
type Delivery = { outcome: 'succeeded'; verified: boolean } | Failed;

/** A rollback takes a canary paused on the way back to the end with promote-full (histories before it did not). */
export const rollbackPromotesFullyPatch = 'rollback-promotes-fully';
/** promote-full ends a Rollout's steps at once: one is enough, a few absorb a sync that lands between them. */
const maxFullPromotions = 3;

const describePaused = (rollouts: PausedRollout[]): string => rollouts.map((r) => `${r.namespace}/${r.name}`).join(', ');

/**
 * One promotion of freight to an environment: gates, approvals, the handoff deployment -> promotion on
 * the target's lifecycle run, the Applications at the freight's revision (a paused canary waits for an
 * approval), verification, and the handoff back. A failure after the handoff rolls the target back to
 * its previous freight. The run returns its final state whatever the outcome; it fails only on a bug.
 */
export async function promotion(input: PromotionInput): Promise<PromotionState> {
  const run = new PromotionRun(input);
  handlePromotionMessages(run);
  run.publish();
  const { state } = run;

  const unmet = await checkGates(run);
  if (unmet.length > 0) return run.finish('failed', `gates not met: ${unmet.join('; ')}`);

  if (state.policy.approvals) {
    const decision = await run.decide('promotion');
    if (decision !== 'approved') return run.finish(decision, undecided(decision, 'promotion'));
  }

  const begun = await begin(run);
  if (begun !== null) return run.finish('failed', begun);

  const delivery = await deliver(run);
  if (delivery.outcome === 'succeeded') {
    await end(
      run,
      'succeeded',
      state.freight,
      delivery.verified,
      `${state.freight.id} is deployed in ${state.environment}${delivery.verified ? ' and verified' : ''}`,
    );
    if (delivery.verified) await announceVerified(run);
    return run.finish(
      'succeeded',
      `${state.freight.id} (${state.freight.revision}) is deployed in ${state.environment}${delivery.verified ? ', verified' : ''}`,
    );
  }
  return run.finish(delivery.outcome, await rollback(run, delivery));
}

/** Asks each upstream environment's lifecycle run for its freight, and records every gate's verdict. */
async function checkGates(run: PromotionRun): Promise<string[]> {
  const { policy, platform, freight } = run.state;
  const environments = [...new Set([...policy.from, ...policy.verifiedIn])];
  const upstream: Record<string, EnvironmentFreight> = {};
  for (const environment of environments) {
    upstream[environment] = await run.activities.environmentFreight({ workflowId: lifecycleWorkflowId(platform, environment) });
  }
  const failures = gateFailures(policy, freight, upstream, now());
  run.state.gates = gateVerdicts(run.state, failures);
  return failures;
}

/** Each gate the policy sets, with its verdict: gateFailures leads each message with the gate's name. */
function gateVerdicts(state: PromotionState, failures: string[]): PromotionState['gates'] {
  const { policy, freight } = state;
  const passed: Record<string, string | undefined> = {
    verifiedIn: policy.verifiedIn.length > 0 ? `${freight.id} passed verification in ${policy.verifiedIn.join(', ')}` : undefined,
    soak: policy.soak ? `${policy.from.join(', ')} ran ${freight.id} healthy for at least ${policy.soak}` : undefined,
  };
  return Object.entries(passed).flatMap(([name, passedMessage]) => {
    if (passedMessage === undefined) return [];
    const failed = failures.filter((f) => f.startsWith(`${name}: `)).map((f) => f.slice(name.length + 2));
    return [{ name, passed: failed.length === 0, message: failed.length === 0 ? passedMessage : failed.join('; ') }];
  });
}

/** The handoff deployment -> promotion on the target's run; null when accepted, else why not. */
async function begin(run: PromotionRun): Promise<string | null> {
  const { state, settings } = run;
  try {
    const { previous } = await run.activities.beginPromotion({
      workflowId: settings.lifecycleWorkflowId,
      request: {
        promotionId: state.id,
        freight: { id: state.freight.id, revision: state.freight.revision },
        requestedBy: state.requestedBy,
      },
    });
    state.previous = previous;
    return null;
  } catch (err) {
    return `the lifecycle run ${settings.lifecycleWorkflowId} did not hand over ${state.environment}: ${describeFailure(err)}`;
  }
}

/** Promoting, each canary pause approved or not, then verification: the outcome while the promotion holds authority. */
async function deliver(run: PromotionRun): Promise<Delivery> {
  const { state, settings } = run;
  const promote = () =>
    run.promoteRevision({
      platform: state.platform,
      environment: state.environment,
      revision: state.freight.revision,
      repoURL: settings.repoURL,
      timeoutMs: run.promoteMs,
    });
  try {
    run.enter('promoting', `moving ${state.environment}'s Applications to ${state.freight.revision}`);
    let result = await promote();
    while (result.outcome === 'paused') {
      const paused: PausedRollout[] = result.rollouts;
      const decision = await run.decide('canary');
      if (decision !== 'approved') {
        await run.activities.abortRollouts({ rollouts: paused });
        return { outcome: decision, message: undecided(decision, 'canary') };
      }
      run.enter('promoting', `resuming ${describePaused(paused)}`);
      await run.activities.resumeRollouts({ rollouts: paused });
      result = await promote();
    }
    return await verify(run);
  } catch (err) {
    return { outcome: 'failed', message: describeFailure(err) };
  }
}

/** Verification's AnalysisRun: Successful passes, Failed or Error fails, Inconclusive asks the approvers. */
async function verify(run: PromotionRun): Promise<Delivery> {
  const { state, settings } = run;
  const verification = state.policy.verification;
  if (!verification) return { outcome: 'succeeded', verified: true };
  run.enter('verifying', `running ${verification.analysisTemplates.join(', ')} in ${state.environment}`);
  const result = await run.runVerification({
    platform: state.platform,
    environment: state.environment,
    cluster: settings.cluster,
    freight: state.freight,
    templates: verification.analysisTemplates,
    args: verification.args,
    ...(verification.namespace ? { namespace: verification.namespace } : {}),
    timeoutMs: run.verificationMs,
  });
  state.verification = { analysisRun: result.analysisRun, phase: result.phase, measurements: result.measurements };
  const verdict = `AnalysisRun ${result.analysisRun} is ${result.phase}${result.message ? `: ${result.message}` : ''}`;
  if (result.phase === 'Successful') return { outcome: 'succeeded', verified: true };
  if (result.phase !== 'Inconclusive') return { outcome: 'failed', message: `verification failed: ${verdict}` };
  const decision = await run.decide('verification');
  if (decision !== 'approved') return { outcome: decision, message: `${verdict}; ${undecided(decision, 'verification')}` };
  // The approvers took the place of the verdict the AnalysisRun could not give.
  return { outcome: 'succeeded', verified: true };
}

/** Back to the previous freight (its revision, healthy), then the authority back to deployment; says what happened. */
async function rollback(run: PromotionRun, delivery: Failed): Promise<string> {
  const { state, settings } = run;
  const { outcome, message: why } = delivery;
  const previous = state.previous;
  if (previous === null) {
    await end(run, outcome, state.freight, false, `${why}; ${state.environment} had no freight before, so there is none to roll back to`);
    return `${why}; nothing to roll back to: ${state.environment} had no freight before`;
  }
  run.state.message = `${why}; rolling ${state.environment} back to ${previous.id} (${previous.revision})`;
  let rolledBack = `${why}; ${state.environment} is back at ${previous.id} (${previous.revision})`;
  const promotePrevious = () =>
    run.promoteRevision({
      platform: state.platform,
      environment: state.environment,
      revision: previous.revision,
      repoURL: settings.repoURL,
      timeoutMs: run.promoteMs,
    });
  try {
    let result = await promotePrevious();
    if (patched(rollbackPromotesFullyPatch)) {
      // A Rollout whose canary was promoted runs the failed freight as stable, so going back is a canary of its own that
      // pauses; the previous freight was verified when it came, so it goes all the way at once.
      for (let tries = 0; result.outcome === 'paused'; tries++) {
        if (tries === maxFullPromotions) throw new Error(`${describePaused(result.rollouts)} still paused after promote-full`);
        run.state.message = `${why}; rolling ${state.environment} back: promote-full of ${describePaused(result.rollouts)}`;
        await run.activities.promoteRolloutsFully({ rollouts: result.rollouts });
        result = await promotePrevious();
      }
    }
  } catch (err) {
    rolledBack = `${why}; the rollback to ${previous.id} (${previous.revision}) failed: ${describeFailure(err)}; check ${state.environment}'s Applications in Argo CD`;
  }
  await end(run, outcome, previous, false, rolledBack);
  return rolledBack;
}

/** The handoff promotion -> deployment, with what the target now runs. */
async function end(
  run: PromotionRun,
  outcome: 'succeeded' | 'failed' | 'rejected' | 'expired',
  freight: { id: string; revision: string },
  verified: boolean,
  reason: string,
): Promise<void> {
  await run.activities.endPromotion({
    workflowId: run.settings.lifecycleWorkflowId,
    request: { promotionId: run.state.id, outcome, freight: { id: freight.id, revision: freight.revision }, verified, reason },
  });
}

/** Tells the warehouse the freight passed verification here, so it can start the promotions downstream. */
async function announceVerified(run: PromotionRun): Promise<void> {
  const { platform, freight, environment } = run.state;
  try {
    await getExternalWorkflowHandle(warehouseWorkflowId(platform)).signal(freightVerifiedSignal, { freight, environment });
  } catch (err) {
    log.warn(
      `promotion ${run.state.id}: the warehouse of ${platform} did not hear that ${freight.id} is verified in ${environment}: ${describeFailure(err)}`,
    );
  }
}

function undecided(decision: Exclude<Decision, 'approved'>, forWhat: string): string {
  return decision === 'rejected' ? `the ${forWhat} was rejected` : `the ${forWhat}'s approval window expired`;
}

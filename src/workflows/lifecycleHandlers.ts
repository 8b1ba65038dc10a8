import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import { applyHandoff, handoffRequestSchema, type HandoffRequest } from './authority.js';
import { controlRefusal, describeRequest, malformedRequest, type ControlKind } from './control.js';
import {
  abortSignal,
  abortUpdate,
  applySpecSignal,
  applySpecUpdate,
  authorityHandoffSignal,
  beginPromotionUpdate,
  endPromotionUpdate,
  resumeSignal,
  resumeUpdate,
  specQuery,
  stateQuery,
  teardownSignal,
  teardownUpdate,
  type ControlRequest,
} from './definitions.js';
import type { SpecChangePlan } from '../spec/specChange.js';
import { failureTypes } from './failureTypes.js';
import { now, type PlatformRun } from './platformRun.js';
import { acceptableBegin, acceptableEnd, beginPromotion, endPromotion } from './promotionHandoff.js';
import { acceptableChange, describeChange } from './specChangeRequest.js';

/**
 * Wires every message of the run before its story starts: the state and spec queries, the authority
 * handoffs its children send, and the operator's resume, abort, teardown and applySpec, each as an
 * update (which says why it refuses) and as a signal (fire and forget; a refusal is only logged). Handlers only record
 * a request in `run.control`; the phases act on it. A promotion's beginPromotion and endPromotion are updates
 * only: the handoff they make is the whole of their effect, and the promotion must know it was refused.
 */
export function handleLifecycleMessages(run: PlatformRun): void {
  setHandler(stateQuery, () => run.state);
  setHandler(specQuery, () => run.specDocument);
  setHandler(authorityHandoffSignal, (request) => receiveHandoff(run, request));
  setHandler(resumeUpdate, accept(run, 'resume'), { validator: refuse(run, 'resume') });
  setHandler(abortUpdate, accept(run, 'abort'), { validator: refuse(run, 'abort') });
  setHandler(teardownUpdate, accept(run, 'teardown'), { validator: refuse(run, 'teardown') });
  setHandler(resumeSignal, signalled(run, 'resume'));
  setHandler(abortSignal, signalled(run, 'abort'));
  setHandler(teardownSignal, signalled(run, 'teardown'));
  setHandler(applySpecUpdate, (request) => acceptChange(run, request), { validator: (request) => void acceptableChange(run, request) });
  setHandler(applySpecSignal, (request) => {
    try {
      acceptChange(run, request);
    } catch (err) {
      log.warn(`ignored applySpec signal: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  setHandler(beginPromotionUpdate, (request) => beginPromotion(run, request), {
    validator: (request) => void acceptableBegin(run, request),
  });
  setHandler(endPromotionUpdate, (request) => endPromotion(run, request), { validator: (request) => void acceptableEnd(run, request) });
}

/** An apply the run takes: phase 3 carries it out once the steady-state watch has stopped. */
function acceptChange(run: PlatformRun, request: unknown): SpecChangePlan {
  const change = acceptableChange(run, request);
  run.change = change;
  log.info(`accepted ${describeChange(change)}`);
  return change.plan;
}

/**
 * A child's handoff: recorded in the ledger either way, applied only when its sender holds what it hands over.
 * A malformed one (anyone may signal) names no transfer to record: it is logged and changes nothing.
 */
function receiveHandoff(run: PlatformRun, request: unknown): void {
  const malformed = malformedRequest('authorityHandoff', handoffRequestSchema, request);
  if (malformed) return void log.warn(`ignored authorityHandoff signal: ${malformed}`);
  const entry = applyHandoff(run.state, request as HandoffRequest, now());
  if (entry.accepted) {
    if (entry.credentialsRef) run.state.credentialsRef = entry.credentialsRef;
    log.info(`authority over ${entry.concern} handed from ${entry.from} to ${entry.to}: ${entry.reason}`);
    run.publish();
  } else {
    log.warn(`rejected handoff ${entry.from} -> ${entry.to} from "${entry.sender}": ${entry.rejection}`);
  }
}

function accept(run: PlatformRun, kind: ControlKind) {
  return (request: ControlRequest | undefined): string => {
    run.control[kind] = request ?? {};
    log.info(describeRequest(kind, run.control[kind]));
    return `${kind} accepted in phase ${run.state.phase.number} (${run.state.phase.name})`;
  };
}

/** The update validator: the caller is told why, and nothing is recorded in the history. */
function refuse(run: PlatformRun, kind: ControlKind) {
  return (request: ControlRequest | undefined): void => {
    const refusal = controlRefusal(kind, run.state, request);
    if (refusal) throw ApplicationFailure.nonRetryable(refusal, failureTypes.requestRefused);
  };
}

function signalled(run: PlatformRun, kind: ControlKind) {
  return (request: ControlRequest | undefined): void => {
    const refusal = controlRefusal(kind, run.state, request);
    if (refusal) log.warn(`ignored ${kind} signal: ${refusal}`);
    else accept(run, kind)(request);
  };
}

import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import { applyHandoff, type HandoffRequest } from './authority.js';
import { controlRefusal, describeRequest, type ControlKind } from './control.js';
import {
  abortSignal,
  abortUpdate,
  authorityHandoffSignal,
  resumeSignal,
  resumeUpdate,
  stateQuery,
  teardownSignal,
  teardownUpdate,
  type ControlRequest,
} from './definitions.js';
import { failureTypes } from './failureTypes.js';
import { now, type PlatformRun } from './platformRun.js';

/**
 * Wires every message of the run before its story starts: the state query, the authority handoffs
 * its children send, and the operator's resume, abort and teardown, each as an update (which says
 * why it refuses) and as a signal (fire and forget; a refusal is only logged). Handlers only record
 * a request in `run.control`; the phases act on it.
 */
export function handleLifecycleMessages(run: PlatformRun): void {
  setHandler(stateQuery, () => run.state);
  setHandler(authorityHandoffSignal, (request: HandoffRequest) => receiveHandoff(run, request));
  setHandler(resumeUpdate, accept(run, 'resume'), { validator: refuse(run, 'resume') });
  setHandler(abortUpdate, accept(run, 'abort'), { validator: refuse(run, 'abort') });
  setHandler(teardownUpdate, accept(run, 'teardown'), { validator: refuse(run, 'teardown') });
  setHandler(resumeSignal, signalled(run, 'resume'));
  setHandler(abortSignal, signalled(run, 'abort'));
  setHandler(teardownSignal, signalled(run, 'teardown'));
}

/** A child's handoff: recorded in the ledger either way, applied only when its sender holds what it hands over. */
function receiveHandoff(run: PlatformRun, request: HandoffRequest): void {
  const entry = applyHandoff(run.state, request, now());
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

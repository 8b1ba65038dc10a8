import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import { approvalRefusal, approvalRequestSchema } from '../promotion/approvals.js';
import type { PromotionState } from '../promotion/state.js';
import { invalidRequest } from './control.js';
import { failureTypes } from './failureTypes.js';
import {
  approvePromotionSignal,
  approvePromotionUpdate,
  promotionStateQuery,
  rejectPromotionSignal,
  rejectPromotionUpdate,
} from './promotionDefinitions.js';
import type { PromotionRun } from './promotionRun.js';

type Kind = 'approve' | 'reject';

/**
 * Wires every message of a promotion before its story starts: the state query, and approvals and
 * rejections as updates (whose validator says why it refuses, and nothing reaches the history) and as
 * signals (a refusal becomes the state's message). Handlers only record a decision; the story waits for it.
 */
export function handlePromotionMessages(run: PromotionRun): void {
  setHandler(promotionStateQuery, () => run.state);
  for (const [kind, update, signal] of [
    ['approve', approvePromotionUpdate, approvePromotionSignal],
    ['reject', rejectPromotionUpdate, rejectPromotionSignal],
  ] as const) {
    setHandler(update, (request) => accept(run, kind, request), { validator: (request) => refuse(run, kind, request) });
    setHandler(signal, (request) => {
      const refusal = decisionRefusal(run, kind, request);
      if (refusal === null) return void accept(run, kind, request);
      run.state.message = `ignored ${kind} signal: ${refusal}`;
      log.warn(`promotion ${run.state.id}: ${run.state.message}`);
    });
  }
}

function accept(run: PromotionRun, kind: Kind, request: unknown): PromotionState {
  run.record(kind, approvalRequestSchema.parse(request));
  return run.state;
}

function refuse(run: PromotionRun, kind: Kind, request: unknown): void {
  const refusal = decisionRefusal(run, kind, request);
  if (refusal !== null) throw ApplicationFailure.nonRetryable(refusal, failureTypes.promotionRefused);
}

/** Why a decision is refused: a malformed request, or the policy's refusals (a promotion that waits for none takes none). */
export function decisionRefusal(run: Pick<PromotionRun, 'state'>, kind: Kind, request: unknown): string | null {
  const parsed = approvalRequestSchema.safeParse(request);
  if (!parsed.success) return invalidRequest(kind, parsed.error);
  return approvalRefusal(run.state, parsed.data, kind);
}

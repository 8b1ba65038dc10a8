import { z } from 'zod';
import { decidedStages, type PromotionState } from './state.js';

/** An approval or rejection as approvers send it, by update or by signal. */
export const approvalRequestSchema = z
  .object({ approver: z.string().min(1, 'must name the approver'), reason: z.string().optional() })
  .strict();
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

/**
 * Why `request` may not approve (or reject) the promotion now, or null when it may. Only the allowed
 * approvers count (anyone, when the policy names none); each approves once per subject; with
 * separateFromRequester the requester may not approve their own promotion; a decided promotion takes nothing.
 */
export function approvalRefusal(promotion: PromotionState, request: ApprovalRequest, kind: 'approve' | 'reject'): string | null {
  const { id, state, waitingFor, policy, requestedBy, approvals } = promotion;
  const { approver } = request;
  if (decidedStages.includes(state)) return `promotion ${id} is already ${state}`;
  if (waitingFor === null) return `promotion ${id} is not waiting for an approval: it is ${state}`;
  const allowed = policy.approvals?.from;
  if (allowed && !allowed.includes(approver)) return `approver ${approver} is not allowed: allowed are ${allowed.join(', ')}`;
  if (kind === 'reject') return null;
  if (policy.approvals?.separateFromRequester && approver === requestedBy) {
    return `the requester ${approver} may not approve their own promotion`;
  }
  const earlier = approvals.find((a) => a.approver === approver && a.kind === 'approve' && a.for === waitingFor);
  return earlier ? `${approver} has already approved at ${earlier.at}` : null;
}

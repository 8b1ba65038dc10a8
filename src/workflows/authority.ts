import { z } from 'zod';
import { concernSchema, holderSchema, type Holder, type LedgerEntry, type LifecycleState } from './state.js';

/** A handoff as its sender signals it. */
export const handoffRequestSchema = z
  .object({
    concern: concernSchema,
    from: holderSchema,
    to: holderSchema,
    /** The workflow id (or identity) of whoever sends the handoff. */
    sender: z.string(),
    reason: z.string(),
    credentialsRef: z.string().optional(),
  })
  .strict();
export type HandoffRequest = z.infer<typeof handoffRequestSchema>;

/** The only transfers there are, in lifecycle order (docs/architecture.md#authority). */
const allowedTransfers: readonly (readonly [Holder, Holder])[] = [
  ['external', 'bootstrap'],
  ['bootstrap', 'orchestration'],
  ['orchestration', 'deployment'],
  ['deployment', 'orchestration'],
  ['deployment', 'promotion'],
  ['promotion', 'deployment'],
  ['orchestration', 'bootstrap'],
  ['bootstrap', 'external'],
];

/** Why a handoff must be refused, or null when it may happen. */
export function handoffRejection(state: LifecycleState, request: HandoffRequest): string | null {
  const holder = state.authority[request.concern];
  if (holder !== request.from) return `${request.from} does not hold ${request.concern} authority (${holder} does)`;
  // A promotion takes the platform from Argo CD once the run has accepted its beginPromotion, which names it first.
  const expectedSender =
    request.to === 'promotion' ? (state.holderIds.promotion ?? 'an accepted beginPromotion') : state.holderIds[request.from];
  if (expectedSender !== undefined && expectedSender !== request.sender) {
    return `sender "${request.sender}" does not speak for ${request.from} (only "${expectedSender}" does)`;
  }
  if (!allowedTransfers.some(([from, to]) => from === request.from && to === request.to)) {
    return `no handoff from ${request.from} to ${request.to} exists`;
  }
  return null;
}

/** Records the handoff in the ledger, and transfers the authority when it is allowed. */
export function applyHandoff(state: LifecycleState, request: HandoffRequest, at: string): LedgerEntry {
  const rejection = handoffRejection(state, request);
  const entry: LedgerEntry = {
    concern: request.concern,
    from: request.from,
    to: request.to,
    at,
    reason: request.reason,
    sender: request.sender,
    accepted: rejection === null,
    ...(rejection === null ? {} : { rejection }),
    ...(request.credentialsRef ? { credentialsRef: request.credentialsRef } : {}),
  };
  state.ledger.push(entry);
  if (rejection === null) state.authority[request.concern] = request.to;
  return entry;
}

import { ApplicationFailure } from '@temporalio/workflow';
import { z } from 'zod';
import { freightRefSchema, type FreightRef } from '../promotion/freight.js';
import { invalidRequest } from './control.js';
import { failureTypes } from './failureTypes.js';
import { now, type PlatformRun } from './platformRun.js';
import { verifiedFreightLimit } from './state.js';

export const beginPromotionRequestSchema = z
  .object({ promotionId: z.string().min(1), freight: freightRefSchema, requestedBy: z.string().min(1) })
  .strict();
export type BeginPromotionRequest = z.infer<typeof beginPromotionRequestSchema>;
/** What the environment ran before: where a failed promotion rolls it back to. */
export interface BeginPromotionResult {
  previous: FreightRef | null;
}

export const endPromotionRequestSchema = z
  .object({
    promotionId: z.string().min(1),
    outcome: z.enum(['succeeded', 'failed', 'rejected', 'expired']),
    /** What the environment runs now: the new freight on success, the previous after a rollback. */
    freight: freightRefSchema,
    verified: z.boolean(),
    reason: z.string(),
  })
  .strict();
export type EndPromotionRequest = z.infer<typeof endPromotionRequestSchema>;

function refuse(message: string): never {
  throw ApplicationFailure.nonRetryable(message, failureTypes.promotionRefused);
}

/**
 * The request, or a non-retryable PromotionRefused saying why the run cannot hand the platform to a
 * promotion now: it must be in steady state with Argo CD holding the platform, and no change, request or
 * other promotion under way. Pure: the validator and the handler both call it.
 */
export function acceptableBegin(run: PlatformRun, request: unknown): BeginPromotionRequest {
  const parsed = beginPromotionRequestSchema.safeParse(request ?? {});
  if (!parsed.success) refuse(invalidRequest('beginPromotion', parsed.error));
  const { state, control } = run;
  if (state.outcome !== 'running') refuse(`the run has already ended (${state.outcome})`);
  if (state.promotion) refuse(`promotion ${state.promotion.id} holds the platform since ${state.promotion.startedAt}; wait for it to end`);
  if (state.phase.number !== 3) {
    refuse(`the run is in phase ${state.phase.number} (${state.phase.name}); a promotion moves an environment in steady state (phase 3)`);
  }
  if (state.authority.platform !== 'deployment') refuse(`deployment does not hold platform authority (${state.authority.platform} does)`);
  if (run.change || (state.change && state.change.status !== 'applied')) refuse('a change is in flight; promote once it is applied');
  const pending = control.teardown ? 'teardown' : control.abort ? 'abort' : control.resume ? 'resume' : null;
  if (pending) refuse(`a ${pending} request is under way`);
  return parsed.data;
}

/** Hands the platform from Argo CD to the promotion, which alone may hand it back; answers what ran before. */
export function beginPromotion(run: PlatformRun, request: unknown): BeginPromotionResult {
  const { promotionId, freight, requestedBy } = acceptableBegin(run, request);
  const { state } = run;
  const previous = state.freight ? { id: state.freight.id, revision: state.freight.revision } : null;
  state.holderIds.promotion = promotionId;
  run.transfer('deployment', 'promotion', `promotion of ${freight.id} (${freight.revision}) requested by ${requestedBy}`, promotionId);
  state.promotion = { id: promotionId, freight: freight.id, startedAt: now() };
  return { previous };
}

/** The request, or PromotionRefused when the promotion it names does not hold the platform. */
export function acceptableEnd(run: PlatformRun, request: unknown): EndPromotionRequest {
  const parsed = endPromotionRequestSchema.safeParse(request ?? {});
  if (!parsed.success) refuse(invalidRequest('endPromotion', parsed.error));
  const holder = run.state.promotion?.id;
  if (holder !== parsed.data.promotionId) {
    refuse(
      `promotion ${parsed.data.promotionId} does not hold the platform (${holder ? `promotion ${holder} does` : 'no promotion does'})`,
    );
  }
  return parsed.data;
}

/** The platform back to Argo CD, at the freight the promotion leaves deployed: later deploys and applies keep it. */
export function endPromotion(run: PlatformRun, request: unknown): void {
  const { promotionId, outcome, freight, verified, reason } = acceptableEnd(run, request);
  const { state } = run;
  const at = now();
  run.transfer('promotion', 'deployment', `promotion ${outcome}: ${reason}; ${freight.id} (${freight.revision}) is deployed`, promotionId);
  delete state.holderIds.promotion;
  state.promotion = null;
  if (verified) state.verifiedFreight = [...state.verifiedFreight, { freight: freight.id, at }].slice(-verifiedFreightLimit);
  run.pin({ ...freight, deployedAt: at });
}

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SpecChangePlan } from '../spec/specChange.js';
import type { HandoffRequest } from './authority.js';
import type { ApplySpecRequest } from './control.js';
import type { BeginPromotionRequest, BeginPromotionResult, EndPromotionRequest } from './promotionHandoff.js';
import type { LifecycleState } from './state.js';

export type { BeginPromotionRequest, BeginPromotionResult, EndPromotionRequest } from './promotionHandoff.js';

export interface ControlRequest {
  /** Who asks, for the record: a person, a service, a pipeline. */
  requestedBy?: string;
  reason?: string;
}

/** The whole state of a run: phase, authority holders, every stack, the ledger. */
export const stateQuery = defineQuery<LifecycleState>('state');

/** The spec document the run deploys now: the one it started with, or the one an accepted apply brought in. */
export const specQuery = defineQuery<unknown>('spec');

/** Sent by the child that reaches a handoff condition; the parent checks the sender holds what it hands over. */
export const authorityHandoffSignal = defineSignal<[HandoffRequest]>('authorityHandoff');

/** Updates validate first and say why they refuse; the signals of the same name are the fire-and-forget fallback. */
export const resumeUpdate = defineUpdate<string, [ControlRequest]>('resume');
export const abortUpdate = defineUpdate<string, [ControlRequest]>('abort');
export const teardownUpdate = defineUpdate<string, [ControlRequest]>('teardown');
export const resumeSignal = defineSignal<[ControlRequest]>('resume');
export const abortSignal = defineSignal<[ControlRequest]>('abort');
export const teardownSignal = defineSignal<[ControlRequest]>('teardown');

/** A day-2 change to a run in steady state: the update answers with what it will do, or why it refuses. */
export const applySpecUpdate = defineUpdate<SpecChangePlan, [ApplySpecRequest]>('applySpec');
export const applySpecSignal = defineSignal<[ApplySpecRequest]>('applySpec');

/**
 * A promotion takes the platform from Argo CD (deployment) for as long as it moves the environment's
 * Applications to its freight, and hands it back with what is deployed then; the run stays in phase 3.
 */
export const beginPromotionUpdate = defineUpdate<BeginPromotionResult, [BeginPromotionRequest]>('beginPromotion');
export const endPromotionUpdate = defineUpdate<void, [EndPromotionRequest]>('endPromotion');

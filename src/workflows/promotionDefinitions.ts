import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalRequest } from '../promotion/approvals.js';
import type { Freight } from '../promotion/freight.js';
import type { PromotionState } from '../promotion/state.js';
import type { FreightVerified, PromotionRequest } from './warehouseRequests.js';

/** The promotion's whole state: gates, approvals, what it waits for, the verification and the outcome. */
export const promotionStateQuery = defineQuery<PromotionState>('state');

/**
 * Approvals are updates, so the approver hears at once why one is refused, and answered with the state
 * after it; the signals of the same names are the fallback for `temporal workflow signal` (a refused one
 * is recorded in the state's message and changes nothing else).
 */
export const approvePromotionUpdate = defineUpdate<PromotionState, [ApprovalRequest]>('approvePromotion');
export const rejectPromotionUpdate = defineUpdate<PromotionState, [ApprovalRequest]>('rejectPromotion');
export const approvePromotionSignal = defineSignal<[ApprovalRequest]>('approvePromotion');
export const rejectPromotionSignal = defineSignal<[ApprovalRequest]>('rejectPromotion');

/** The warehouse's freight, oldest first (the newest 50 are kept). */
export const freightQuery = defineQuery<Freight[]>('freight');

/** Asks the warehouse to promote freight to an environment: the validator says why it refuses, the answer is the promotion's id. */
export const requestPromotionUpdate = defineUpdate<{ promotionId: string }, [PromotionRequest]>('requestPromotion');

/** Sent by a promotion that succeeded, verified: the warehouse starts the promotions downstream of the environment. */
export const freightVerifiedSignal = defineSignal<[FreightVerified]>('freightVerified');

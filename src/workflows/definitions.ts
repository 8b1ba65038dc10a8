import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { HandoffRequest } from './authority.js';
import type { LifecycleState } from './state.js';

export interface ControlRequest {
  /** Who asks, for the record: a person, a service, a pipeline. */
  requestedBy?: string;
  reason?: string;
}

/** The whole state of a run: phase, authority holders, every stack, the ledger. */
export const stateQuery = defineQuery<LifecycleState>('state');

/** Sent by the child that reaches a handoff condition; the parent checks the sender holds what it hands over. */
export const authorityHandoffSignal = defineSignal<[HandoffRequest]>('authorityHandoff');

/** Updates validate first and say why they refuse; the signals of the same name are the fire-and-forget fallback. */
export const resumeUpdate = defineUpdate<string, [ControlRequest]>('resume');
export const abortUpdate = defineUpdate<string, [ControlRequest]>('abort');
export const teardownUpdate = defineUpdate<string, [ControlRequest]>('teardown');
export const resumeSignal = defineSignal<[ControlRequest]>('resume');
export const abortSignal = defineSignal<[ControlRequest]>('abort');
export const teardownSignal = defineSignal<[ControlRequest]>('teardown');

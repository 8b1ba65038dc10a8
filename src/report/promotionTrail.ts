import type { temporal } from '@temporalio/proto';
import type { PromotionActivities } from '../activities/interfaces.js';
import type { ApprovalRequest } from '../promotion/approvals.js';
import type { FreightRef } from '../promotion/freight.js';
import type { PromotionState } from '../promotion/state.js';
import { describeFailure } from '../workflows/failures.js';
import { approvePromotionUpdate, rejectPromotionUpdate } from '../workflows/promotionDefinitions.js';
import type { PromotionInput } from '../workflows/promotionInput.js';
import { payloadValue, timeOf } from './timeline.js';

/** An approval or rejection as the history records it: who sent it, as what, and the Temporal identity of the sender. */
export interface PromotionDecision {
  at: number;
  kind: 'approve' | 'reject';
  via: 'update' | 'signal';
  approver: string;
  reason?: string;
  identity: string;
}

/** A step of the promotion: one of its promotion-zone activities, from schedule to close. */
export interface PromotionStep {
  activity: string;
  start: number;
  end: number | null;
  result: 'succeeded' | 'failed' | 'running';
  input: unknown;
  output?: unknown;
  error?: string;
}

/** A promotion reconstructed from its history, and its state when the history or the run says it. */
export interface PromotionTrail {
  id: string;
  platform: string;
  environment: string;
  freight: FreightRef;
  requestedBy: string;
  start: number;
  end: number | null;
  decisions: PromotionDecision[];
  steps: PromotionStep[];
  /** The result of a completed run; else what its state query answered (the caller adds it), else null. */
  state: PromotionState | null;
}

const decisionKinds: Record<string, PromotionDecision['kind']> = {
  [approvePromotionUpdate.name]: 'approve',
  [rejectPromotionUpdate.name]: 'reject',
};

/** The activities whose inputs and results are the trail; typed so that a rename fails to compile here. */
export const trailActivities: (keyof PromotionActivities)[] = [
  'environmentFreight',
  'beginPromotion',
  'promoteRevision',
  'resumeRollouts',
  'abortRollouts',
  'promoteRolloutsFully',
  'runVerification',
  'endPromotion',
];

export function promotionTrailFromHistory(history: temporal.api.history.v1.IHistory): PromotionTrail {
  const events = history.events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const input = payloadValue(started?.input?.payloads?.[0]) as PromotionInput;
  const trail: PromotionTrail = {
    id: started?.workflowId || 'unknown',
    platform: input.platform,
    environment: input.environment,
    freight: { id: input.freight.id, revision: input.freight.revision },
    requestedBy: input.requestedBy,
    start: events[0] ? timeOf(events[0]) : 0,
    end: null,
    decisions: [],
    steps: [],
    state: null,
  };
  const scheduled = new Map<string, PromotionStep>();
  for (const event of events) {
    const at = timeOf(event);
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    const signal = event.workflowExecutionSignaledEventAttributes;
    const name = accepted?.input?.name ?? signal?.signalName ?? '';
    const kind = decisionKinds[name];
    if (kind) {
      const request = payloadValue((accepted ? accepted.input?.args : signal?.input)?.payloads?.[0]) as ApprovalRequest;
      trail.decisions.push({
        at,
        kind,
        via: accepted ? 'update' : 'signal',
        approver: request.approver,
        ...(request.reason === undefined ? {} : { reason: request.reason }),
        identity: (accepted ? accepted.meta?.identity : signal?.identity) || 'unknown',
      });
    }
    const activity = event.activityTaskScheduledEventAttributes;
    const type = activity?.activityType?.name as keyof PromotionActivities | undefined;
    if (type && trailActivities.includes(type)) {
      const step: PromotionStep = {
        activity: type,
        start: at,
        end: null,
        result: 'running',
        input: payloadValue(activity!.input?.payloads?.[0]),
      };
      scheduled.set(String(event.eventId), step);
      trail.steps.push(step);
    }
    const completed = event.activityTaskCompletedEventAttributes;
    const failed = event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    const step = scheduled.get(String((completed ?? failed)?.scheduledEventId));
    if (step && completed) Object.assign(step, { end: at, result: 'succeeded', output: payloadValue(completed.result?.payloads?.[0]) });
    if (step && failed) Object.assign(step, { end: at, result: 'failed', error: describeFailure(failed.failure, 'failed') });
    const done = event.workflowExecutionCompletedEventAttributes;
    if (done) trail.state = payloadValue(done.result?.payloads?.[0]) as PromotionState;
    if (
      done ||
      event.workflowExecutionFailedEventAttributes ||
      event.workflowExecutionTerminatedEventAttributes ||
      event.workflowExecutionCanceledEventAttributes ||
      event.workflowExecutionTimedOutEventAttributes
    )
      trail.end = at;
  }
  return trail;
}

import { condition, log, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { PromotionActivities } from '../activities/interfaces.js';
import type { ApprovalRequest } from '../promotion/approvals.js';
import type { PromotionState } from '../promotion/state.js';
import { approvalPolicySchema, durationMs } from '../spec/index.js';
import { zoneTaskQueue } from './taskQueues.js';
import { parseWorkflowInput, promotionInputSchema, type PromotionInput, type PromotionSettings } from './promotionInput.js';
import { environmentAttribute, freightAttribute, platformAttribute, promotionStateAttribute } from './searchAttributes.js';

export const now = () => new Date().toISOString();

export type Stage = PromotionState['state'];
export type ApprovalFor = NonNullable<PromotionState['waitingFor']>;
export type Decision = 'approved' | 'rejected' | 'expired';

/** A promotion's own failures are its result, not the Temporal run's: retries stop at once on a typed (non-retryable) failure. */
const callRetry = { maximumAttempts: 3 };

/**
 * One promotion and everything it owns: its settings, the state people query (and approvals change),
 * and the promotion zone's activities with the input's timeouts. The handlers (promotionHandlers.ts)
 * and the story (promotion.ts) act through it.
 */
export class PromotionRun {
  readonly settings: PromotionSettings;
  readonly state: PromotionState;
  /** The promotion zone's short calls: the lifecycle runs' freight and handoffs, the Rollout actions. */
  readonly activities: PromotionActivities;
  readonly promoteRevision: PromotionActivities['promoteRevision'];
  readonly runVerification: PromotionActivities['runVerification'];
  /** The waits of promoteRevision and runVerification, passed to the activity as its own limit. */
  readonly promoteMs: number;
  readonly verificationMs: number;

  constructor(rawInput: PromotionInput) {
    const settings = parseWorkflowInput(promotionInputSchema, rawInput, 'promotion');
    this.settings = settings;
    const { platform, environment, freight, requestedBy, policy, timeouts } = settings;
    this.state = {
      id: workflowInfo().workflowId,
      platform,
      environment,
      freight,
      requestedBy,
      requestedAt: now(),
      state: 'checking',
      policy,
      gates: [],
      approvals: [],
      waitingFor: null,
      previous: null,
      verification: null,
      message: null,
      finishedAt: null,
    };
    this.promoteMs = durationMs(timeouts.promote);
    this.verificationMs = durationMs(timeouts.verification);
    const callMs = durationMs(timeouts.call);
    const common = {
      taskQueue: zoneTaskQueue(settings.taskQueuePrefix, 'promotion'),
      heartbeatTimeout: timeouts.heartbeat,
      retry: callRetry,
    };
    this.activities = proxyActivities<PromotionActivities>({ ...common, startToCloseTimeout: timeouts.call });
    // The long waits get their own limit plus one call's time, so the activity ends with its own message first.
    this.promoteRevision = proxyActivities<PromotionActivities>({
      ...common,
      startToCloseTimeout: this.promoteMs + callMs,
    }).promoteRevision;
    this.runVerification = proxyActivities<PromotionActivities>({
      ...common,
      startToCloseTimeout: this.verificationMs + callMs,
    }).runVerification;
  }

  /** Upserts the search attributes, so promotions can be found by platform, target environment, freight and state. */
  publish(): void {
    upsertSearchAttributes([
      { key: platformAttribute, value: this.state.platform },
      { key: environmentAttribute, value: this.state.environment },
      { key: freightAttribute, value: this.state.freight.id },
      { key: promotionStateAttribute, value: this.state.state },
    ]);
  }

  enter(stage: Stage, message: string | null = this.state.message): void {
    this.state.state = stage;
    this.state.message = message;
    log.info(`promotion ${this.state.id}: ${stage}${message ? ` (${message})` : ''}`);
    this.publish();
  }

  /** The promotion's end: the final state is the run's result, whatever the outcome. */
  finish(stage: Extract<Stage, 'succeeded' | 'failed' | 'rejected' | 'expired'>, message: string): PromotionState {
    this.state.waitingFor = null;
    this.state.finishedAt = now();
    this.enter(stage, message);
    return this.state;
  }

  /** Records an accepted approval or rejection for what the promotion waits for now. */
  record(kind: 'approve' | 'reject', request: ApprovalRequest): void {
    const forWhat = this.state.waitingFor ?? 'promotion';
    const entry = {
      approver: request.approver,
      at: now(),
      kind,
      for: forWhat,
      ...(request.reason === undefined ? {} : { reason: request.reason }),
    };
    this.state.approvals.push(entry);
    log.info(`promotion ${this.state.id}: ${request.approver} ${kind === 'approve' ? 'approved' : 'rejected'} the ${forWhat}`);
  }

  /**
   * Waits for a decision on `forWhat`: the policy's required number of distinct approvals (one, from
   * anyone, when the policy asks for none, as for a paused canary), one rejection, or the window closing.
   */
  async decide(forWhat: ApprovalFor): Promise<Decision> {
    const approvals = this.state.policy.approvals;
    const required = approvals?.required ?? 1;
    const window = approvals?.expiresAfter ?? approvalPolicySchema.shape.expiresAfter.parse(undefined);
    const since = this.state.approvals.length;
    const decisions = () => this.state.approvals.slice(since);
    this.state.waitingFor = forWhat;
    this.enter('waiting-approval', `waiting for ${required} approval${required === 1 ? '' : 's'} of the ${forWhat} within ${window}`);
    const decided = await condition(
      () => decisions().some((a) => a.kind === 'reject') || decisions().filter((a) => a.kind === 'approve').length >= required,
      durationMs(window),
    );
    this.state.waitingFor = null;
    if (!decided) return 'expired';
    return decisions().some((a) => a.kind === 'reject') ? 'rejected' : 'approved';
  }
}

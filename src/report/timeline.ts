import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload as CommonPayload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { encryptedEncoding } from '../codec/encryptionCodec.js';
import { codecKeyVariables } from '../codec/keys.js';
import { buildGraph, criticalPath, type CriticalPath } from '../dag/index.js';
import type { ApplicationChange, ArgoCdActivities } from '../activities/interfaces.js';
import type { HandoffRequest } from '../workflows/authority.js';
import type { SpecChangePlan } from '../spec/specChange.js';
import {
  applySpecUpdate,
  authorityHandoffSignal,
  beginPromotionUpdate,
  endPromotionUpdate,
  type BeginPromotionRequest,
  type EndPromotionRequest,
} from '../workflows/definitions.js';
import { deployStack, type StackAction, type StackRunInput } from '../workflows/deployStack.js';
import { describeFailure, failureTypeOf } from '../workflows/failures.js';
import type { LifecycleInput } from '../workflows/input.js';
import { authorityAttribute, phaseAttribute } from '../workflows/searchAttributes.js';
import type { Holder, LedgerEntry, LifecycleState, SpecChange, SteadyStateEvent } from '../workflows/state.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payload = temporal.api.common.v1.IPayload;

export interface StackAttempt {
  stack: string;
  action: StackAction;
  attempt: number;
  start: number;
  end: number | null;
  result: 'succeeded' | 'failed' | 'cancelled' | 'running';
  error?: string;
  /** The failure type (failureTypes) of a failed attempt: what went wrong, where the error says what to fix. */
  failureType?: string;
}

export interface PhaseSpan {
  name: string;
  start: number;
  end: number | null;
}

export interface OperatorRequest {
  at: number;
  kind: string;
  via: 'update' | 'signal';
  requestedBy?: string;
  reason?: string;
}

/** A promotion of this environment as its run's history records it: the beginPromotion and endPromotion updates. */
export interface PromotionRecord {
  id: string;
  freight: string;
  requestedBy: string;
  /** The Temporal identity that sent beginPromotion (the promotion zone's worker). */
  identity: string;
  /** null: it began in an earlier run than the one this record comes from. */
  begunAt: number | null;
  endedAt: number | null;
  outcome: EndPromotionRequest['outcome'] | 'running';
  /** The freight deployed once it ended: the new one, or the previous after a rollback. */
  deployed: string | null;
  verified: boolean;
  reason: string;
}

/** The changes a state records, oldest first: the last ones applied, and the one in flight or last. */
function changesOf(state: Partial<Pick<LifecycleState, 'change' | 'changes'>> | undefined): SpecChange[] {
  if (!state) return [];
  const recorded = state.changes ?? [];
  const latest = state.change;
  return latest && !recorded.some((c) => c.startedAt === latest.startedAt) ? [...recorded, latest] : [...recorded];
}

/** A run reconstructed from its event history alone: what an incident review needs. */
export interface RunTimeline {
  workflowId: string;
  platform: string;
  environment: string;
  /** How many runs of the workflow id the timeline spans (each continue-as-new starts one). */
  runs: number;
  /** The run id of the run the first of them continued, when that run is not in the timeline. */
  continuedFrom: string | null;
  start: number;
  end: number | null;
  outcome: string;
  phases: PhaseSpan[];
  /** The run's ledger: from the run itself once it ended or continued as new, else rebuilt from the history's handoff events. */
  handoffs: LedgerEntry[];
  requests: OperatorRequest[];
  /** Day-2 changes, oldest first: those of the runs this one continued, then its own applySpec updates. */
  changes: SpecChange[];
  attempts: StackAttempt[];
  /** Every change Argo CD reported in steady state, in order (the run's state keeps only the latest). */
  steadyStateEvents: SteadyStateEvent[];
  /** The promotions that took authority over the environment, in the order they began. */
  promotions: PromotionRecord[];
  /** The spec's dependency graph, so a report can group stacks by level. */
  stacks: { name: string; dependsOn: string[] }[];
  /** How long each stack's successful deploy took, in ms: the weights of the critical path. */
  deployDurations: Record<string, number>;
  criticalPath: CriticalPath;
}

const decoder = new TextDecoder();

/**
 * A payload's value, read by the SDK's own converter: JSON, and `binary/null` (an activity or update that returns
 * nothing), whose data is empty. A payload still encrypted means the history was read without Baton's codec key.
 */
export function payloadValue(payload: Payload | null | undefined): unknown {
  if (!payload) return undefined;
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  if (encoding && decoder.decode(encoding) === encryptedEncoding)
    throw new Error(
      `the history's payloads are encrypted: set ${codecKeyVariables.file} or ${codecKeyVariables.inline} to the keys that encoded them`,
    );
  return defaultPayloadConverter.fromPayload(payload as CommonPayload);
}

/** When an event happened, in ms since the epoch. */
export const timeOf = (event: HistoryEvent): number => {
  const t = event.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
};

interface StartedInput {
  spec?: { metadata?: { name?: string }; spec?: { stacks?: { name: string; dependsOn?: string[] }[] } };
  environment?: string;
  carriedState?: LifecycleState;
}

/** The activity whose results are the steady-state changes; typed so that a rename fails to compile here. */
const steadyStateWatch: keyof ArgoCdActivities = 'watchPlatformApplications';

/** Said for a transfer the run makes itself: the history records only its new holder (a search attribute). */
export const unrecordedReason = 'not in the history: the run records it in its ledger (its state query)';

export function timelineFromHistory(history: temporal.api.history.v1.IHistory): RunTimeline {
  const events = history.events ?? [];
  const first = events[0];
  const input = payloadValue(first?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]) as StartedInput | undefined;
  const stacks = (input?.spec?.spec?.stacks ?? []).map((s) => ({ name: s.name, dependsOn: s.dependsOn ?? [] }));
  const timeline: RunTimeline = {
    workflowId: first?.workflowExecutionStartedEventAttributes?.workflowId || 'unknown',
    platform: input?.spec?.metadata?.name ?? 'unknown',
    environment: input?.environment ?? 'unknown',
    runs: 1,
    continuedFrom: first?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || null,
    start: first ? timeOf(first) : 0,
    end: null,
    outcome: 'running',
    phases: [],
    // A run that continued another starts with that run's ledger.
    handoffs: [...(input?.carriedState?.ledger ?? [])],
    requests: [],
    changes: changesOf(input?.carriedState),
    attempts: [],
    steadyStateEvents: [],
    promotions: [],
    stacks,
    deployDurations: {},
    criticalPath: { stacks: [], duration: 0 },
  };

  const byInitiatedId = new Map<string, StackAttempt>();
  const steadyStateWatches = new Set<string>();
  const attemptsSoFar = new Map<string, number>();
  let authority: Holder | undefined;
  /** The run's own ledger, complete with reasons, once the history holds it (its result, or the state it continued with). */
  let ledger: LedgerEntry[] | undefined;
  /** Handoff signals not yet followed by the change of holder they ask for: refused, unless that change follows. */
  const unanswered: LedgerEntry[] = [];
  let finalState: LifecycleState | undefined;
  /** The run's own record of its changes, once the history holds it; until then the applySpec updates stand for them. */
  let recordedChanges: SpecChange[] | undefined;
  const changeRequests = new Map<string, SpecChange>();

  for (const event of events) {
    const at = timeOf(event);
    const upsert = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    if (upsert) {
      const phase = payloadValue(upsert[phaseAttribute.name]) as string | undefined;
      const current = timeline.phases.at(-1);
      if (phase && current?.name !== phase) {
        if (current) current.end = at;
        timeline.phases.push({ name: phase, start: at, end: null });
      }
      const holder = payloadValue(upsert[authorityAttribute.name]) as Holder | undefined;
      if (holder && authority && holder !== authority) {
        const asked = unanswered.findIndex((h) => h.from === authority && h.to === holder);
        if (asked >= 0) {
          const [entry] = unanswered.splice(asked, 1);
          entry!.accepted = true;
          delete entry!.rejection;
        } else {
          timeline.handoffs.push({
            concern: 'platform',
            from: authority,
            to: holder,
            at: new Date(at).toISOString(),
            reason: unrecordedReason,
            sender: timeline.workflowId,
            accepted: true,
          });
        }
      }
      authority = holder ?? authority;
    }
    const initiated = event.startChildWorkflowExecutionInitiatedEventAttributes;
    if (initiated?.workflowType?.name === deployStack.name) {
      const args = payloadValue(initiated.input?.payloads?.[0]) as StackRunInput;
      const key = `${args.action}/${args.target.stack.name}`;
      const attempt = (attemptsSoFar.get(key) ?? 0) + 1;
      attemptsSoFar.set(key, attempt);
      const record: StackAttempt = { stack: args.target.stack.name, action: args.action, attempt, start: at, end: null, result: 'running' };
      byInitiatedId.set(String(event.eventId), record);
      timeline.attempts.push(record);
    }
    if (event.activityTaskScheduledEventAttributes?.activityType?.name === steadyStateWatch) steadyStateWatches.add(String(event.eventId));
    const watchEnded = event.activityTaskCompletedEventAttributes;
    if (watchEnded && steadyStateWatches.has(String(watchEnded.scheduledEventId))) {
      const { changes } = payloadValue(watchEnded.result?.payloads?.[0]) as { changes: ApplicationChange[] };
      for (const c of changes)
        timeline.steadyStateEvents.push({
          stack: c.stack,
          sync: c.sync,
          health: c.health,
          message: c.message,
          at: new Date(at).toISOString(),
        });
    }
    const closed =
      event.childWorkflowExecutionCompletedEventAttributes ??
      event.childWorkflowExecutionFailedEventAttributes ??
      event.childWorkflowExecutionCanceledEventAttributes ??
      event.childWorkflowExecutionTimedOutEventAttributes ??
      event.childWorkflowExecutionTerminatedEventAttributes;
    const record = closed ? byInitiatedId.get(String(closed.initiatedEventId)) : undefined;
    if (record) {
      record.end = at;
      if (event.childWorkflowExecutionCompletedEventAttributes) record.result = 'succeeded';
      else if (event.childWorkflowExecutionCanceledEventAttributes) record.result = 'cancelled';
      else {
        record.result = 'failed';
        const failure = event.childWorkflowExecutionFailedEventAttributes?.failure;
        record.error = failure
          ? describeFailure(failure, 'failed')
          : event.childWorkflowExecutionTimedOutEventAttributes
            ? 'timed out'
            : 'terminated';
        const type = failureTypeOf(failure);
        if (type) record.failureType = type;
      }
    }
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    const update = accepted?.input;
    if (update?.name === applySpecUpdate.name) {
      const { requestedBy, reason } = payloadValue(update.args?.payloads?.[0]) as { requestedBy?: string; reason?: string };
      const change: SpecChange = {
        requestedBy,
        reason,
        plan: { added: [], changed: [], removed: [], untouched: [] },
        status: 'applying',
        startedAt: new Date(at).toISOString(),
      };
      changeRequests.set(accepted?.meta?.updateId ?? '', change);
      timeline.changes.push(change);
    }
    const completedUpdate = event.workflowExecutionUpdateCompletedEventAttributes;
    const changeAnswered = completedUpdate && changeRequests.get(completedUpdate.meta?.updateId ?? '');
    const plan = changeAnswered && completedUpdate.outcome?.success?.payloads?.[0];
    if (plan) changeAnswered.plan = payloadValue(plan) as SpecChangePlan;
    const signal = event.workflowExecutionSignaledEventAttributes;
    if (update?.name === beginPromotionUpdate.name) {
      const request = payloadValue(update.args?.payloads?.[0]) as BeginPromotionRequest;
      timeline.promotions.push({
        id: request.promotionId,
        freight: request.freight.id,
        requestedBy: request.requestedBy,
        identity: accepted?.meta?.identity || 'unknown',
        begunAt: at,
        endedAt: null,
        outcome: 'running',
        deployed: null,
        verified: false,
        reason: '',
      });
    } else if (update?.name === endPromotionUpdate.name) {
      const request = payloadValue(update.args?.payloads?.[0]) as EndPromotionRequest;
      const ended = {
        endedAt: at,
        outcome: request.outcome,
        deployed: request.freight.id,
        verified: request.verified,
        reason: request.reason,
      };
      const record = timeline.promotions.find((p) => p.id === request.promotionId);
      // A promotion that began in a run before this one (continue-as-new): mergeTimelines joins the two records.
      if (record) Object.assign(record, ended);
      else timeline.promotions.push({ id: request.promotionId, freight: '', requestedBy: '', identity: '', begunAt: null, ...ended });
    } else if (signal?.signalName === authorityHandoffSignal.name) {
      const request = payloadValue(signal.input?.payloads?.[0]) as HandoffRequest;
      const entry: LedgerEntry = {
        ...request,
        at: new Date(at).toISOString(),
        accepted: false,
        rejection: "the history does not say why; the run's ledger (its state query) does",
      };
      timeline.handoffs.push(entry);
      unanswered.push(entry);
    } else if (update?.name || signal?.signalName) {
      const request = payloadValue((update ? update.args : signal!.input)?.payloads?.[0]) as
        { requestedBy?: string; reason?: string } | undefined;
      // Only who and why: an applySpec request also carries the whole spec.
      timeline.requests.push({
        at,
        kind: (update?.name ?? signal!.signalName)!,
        via: update ? 'update' : 'signal',
        ...(request?.requestedBy === undefined ? {} : { requestedBy: request.requestedBy }),
        ...(request?.reason === undefined ? {} : { reason: request.reason }),
      });
    }
    if (event.workflowExecutionCompletedEventAttributes) {
      finalState = payloadValue(event.workflowExecutionCompletedEventAttributes.result?.payloads?.[0]) as LifecycleState | undefined;
      ledger = finalState?.ledger;
      recordedChanges = finalState && changesOf(finalState);
    }
    const continued = event.workflowExecutionContinuedAsNewEventAttributes;
    if (continued) {
      const carried = (payloadValue(continued.input?.payloads?.[0]) as LifecycleInput | undefined)?.carriedState;
      ledger = carried?.ledger;
      recordedChanges = carried && changesOf(carried);
    }
    if (
      event.workflowExecutionCompletedEventAttributes ||
      event.workflowExecutionFailedEventAttributes ||
      event.workflowExecutionTerminatedEventAttributes ||
      event.workflowExecutionCanceledEventAttributes ||
      event.workflowExecutionContinuedAsNewEventAttributes
    ) {
      timeline.end = at;
      timeline.outcome =
        finalState?.outcome ??
        (event.workflowExecutionFailedEventAttributes
          ? 'failed'
          : event.workflowExecutionTerminatedEventAttributes
            ? 'terminated'
            : event.workflowExecutionContinuedAsNewEventAttributes
              ? 'continued as new'
              : 'ended');
    }
  }
  const lastPhase = timeline.phases.at(-1);
  if (lastPhase && timeline.end !== null) lastPhase.end = timeline.end;
  if (ledger) timeline.handoffs = ledger;
  if (recordedChanges) timeline.changes = recordedChanges;

  return withCriticalPath(timeline);
}

/** The deploy durations of a timeline's attempts (a stack's latest successful deploy) and the critical path they weigh. */
export function withCriticalPath(timeline: RunTimeline): RunTimeline {
  const durations: Record<string, number> = {};
  for (const a of timeline.attempts)
    if (a.action === 'deploy' && a.result === 'succeeded' && a.end !== null) durations[a.stack] = a.end - a.start;
  timeline.deployDurations = durations;
  if (timeline.stacks.length > 0) timeline.criticalPath = criticalPath(buildGraph(timeline.stacks), durations);
  return timeline;
}

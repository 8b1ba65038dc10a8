import type { temporal } from '@temporalio/proto';
import { buildGraph, criticalPath, type CriticalPath } from '../dag/index.js';
import type { ApplicationChange } from '../activities/interfaces.js';
import type { LedgerEntry, LifecycleState, SteadyStateEvent } from '../workflows/state.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payload = temporal.api.common.v1.IPayload;

export interface StackAttempt {
  stack: string;
  action: 'deploy' | 'delete';
  attempt: number;
  start: number;
  end: number | null;
  result: 'succeeded' | 'failed' | 'cancelled' | 'running';
  error?: string;
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

/** A run reconstructed from its event history alone: what an incident review needs. */
export interface RunTimeline {
  workflowId: string;
  platform: string;
  environment: string;
  start: number;
  end: number | null;
  outcome: string;
  phases: PhaseSpan[];
  handoffs: LedgerEntry[];
  requests: OperatorRequest[];
  attempts: StackAttempt[];
  /** Every change Argo CD reported in steady state, in order (the run's state keeps only the latest). */
  steadyStateEvents: SteadyStateEvent[];
  /** The spec's dependency graph, so a report can group stacks by level. */
  stacks: { name: string; dependsOn: string[] }[];
  /** How long each stack's successful deploy took, in ms: the weights of the critical path. */
  deployDurations: Record<string, number>;
  criticalPath: CriticalPath;
}

const decoder = new TextDecoder();

function payloadJson(payload: Payload | null | undefined): unknown {
  if (!payload?.data) return undefined;
  return JSON.parse(decoder.decode(payload.data));
}

const timeOf = (event: HistoryEvent): number => {
  const t = event.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
};

/** The deepest message of a failure chain: the upstream reason, not "Activity task failed". */
function failureMessage(failure: temporal.api.failure.v1.IFailure | null | undefined): string {
  let message = failure?.message ?? 'failed';
  for (let f = failure?.cause; f; f = f.cause) if (f.message) message = f.message;
  return message;
}

interface StartedInput {
  spec?: { metadata?: { name?: string }; spec?: { stacks?: { name: string; dependsOn?: string[] }[] } };
  environment?: string;
}

export function timelineFromHistory(history: temporal.api.history.v1.IHistory): RunTimeline {
  const events = history.events ?? [];
  const first = events[0];
  const input = payloadJson(first?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]) as StartedInput | undefined;
  const stacks = (input?.spec?.spec?.stacks ?? []).map((s) => ({ name: s.name, dependsOn: s.dependsOn ?? [] }));
  const timeline: RunTimeline = {
    workflowId: first?.workflowExecutionStartedEventAttributes?.workflowId || 'unknown',
    platform: input?.spec?.metadata?.name ?? 'unknown',
    environment: input?.environment ?? 'unknown',
    start: first ? timeOf(first) : 0,
    end: null,
    outcome: 'running',
    phases: [],
    handoffs: [],
    requests: [],
    attempts: [],
    steadyStateEvents: [],
    stacks,
    deployDurations: {},
    criticalPath: { stacks: [], duration: 0 },
  };

  const byInitiatedId = new Map<string, StackAttempt>();
  const steadyStateWatches = new Set<string>();
  const attemptsSoFar = new Map<string, number>();
  let authority: string | undefined;
  let finalState: LifecycleState | undefined;

  for (const event of events) {
    const at = timeOf(event);
    const upsert = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    if (upsert) {
      const phase = payloadJson(upsert.BatonPhase) as string | undefined;
      const current = timeline.phases.at(-1);
      if (phase && current?.name !== phase) {
        if (current) current.end = at;
        timeline.phases.push({ name: phase, start: at, end: null });
      }
      const holder = payloadJson(upsert.BatonAuthority) as string | undefined;
      if (holder && authority && holder !== authority) {
        timeline.handoffs.push({ concern: 'platform', from: authority as LedgerEntry['from'], to: holder as LedgerEntry['to'], at: new Date(at).toISOString(), reason: '', sender: '', accepted: true });
      }
      authority = holder ?? authority;
    }
    const initiated = event.startChildWorkflowExecutionInitiatedEventAttributes;
    if (initiated?.workflowType?.name === 'deployStack') {
      const args = payloadJson(initiated.input?.payloads?.[0]) as { target: { stack: { name: string } }; action: 'deploy' | 'delete' };
      const key = `${args.action}/${args.target.stack.name}`;
      const attempt = (attemptsSoFar.get(key) ?? 0) + 1;
      attemptsSoFar.set(key, attempt);
      const record: StackAttempt = { stack: args.target.stack.name, action: args.action, attempt, start: at, end: null, result: 'running' };
      byInitiatedId.set(String(event.eventId), record);
      timeline.attempts.push(record);
    }
    if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'watchPlatformApplications') steadyStateWatches.add(String(event.eventId));
    const watchEnded = event.activityTaskCompletedEventAttributes;
    if (watchEnded && steadyStateWatches.has(String(watchEnded.scheduledEventId))) {
      const { changes } = payloadJson(watchEnded.result?.payloads?.[0]) as { changes: ApplicationChange[] };
      for (const c of changes) timeline.steadyStateEvents.push({ stack: c.stack, sync: c.sync, health: c.health, message: c.message, at: new Date(at).toISOString() });
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
        record.error = event.childWorkflowExecutionFailedEventAttributes
          ? failureMessage(event.childWorkflowExecutionFailedEventAttributes.failure)
          : event.childWorkflowExecutionTimedOutEventAttributes
            ? 'timed out'
            : 'terminated';
      }
    }
    const update = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
    const signal = event.workflowExecutionSignaledEventAttributes;
    if (update?.name || (signal?.signalName && signal.signalName !== 'authorityHandoff')) {
      const request = payloadJson((update ? update.args : signal!.input)?.payloads?.[0]) as { requestedBy?: string; reason?: string } | undefined;
      timeline.requests.push({ at, kind: (update?.name ?? signal!.signalName)!, via: update ? 'update' : 'signal', ...request });
    }
    if (event.workflowExecutionCompletedEventAttributes) {
      finalState = payloadJson(event.workflowExecutionCompletedEventAttributes.result?.payloads?.[0]) as LifecycleState | undefined;
    }
    if (event.workflowExecutionCompletedEventAttributes || event.workflowExecutionFailedEventAttributes || event.workflowExecutionTerminatedEventAttributes || event.workflowExecutionCanceledEventAttributes || event.workflowExecutionContinuedAsNewEventAttributes) {
      timeline.end = at;
      timeline.outcome = finalState?.outcome ?? (event.workflowExecutionFailedEventAttributes ? 'failed' : event.workflowExecutionTerminatedEventAttributes ? 'terminated' : event.workflowExecutionContinuedAsNewEventAttributes ? 'continued as new' : 'ended');
    }
  }
  const lastPhase = timeline.phases.at(-1);
  if (lastPhase && timeline.end !== null) lastPhase.end = timeline.end;
  // The completed run's own ledger has every handoff with reasons, rejected ones included.
  if (finalState) timeline.handoffs = finalState.ledger;

  const durations = timeline.deployDurations;
  for (const a of timeline.attempts) if (a.action === 'deploy' && a.result === 'succeeded' && a.end !== null) durations[a.stack] = a.end - a.start;
  if (stacks.length > 0) timeline.criticalPath = criticalPath(buildGraph(stacks), durations);
  return timeline;
}

import { withCriticalPath, type PhaseSpan, type PromotionRecord, type RunTimeline, type StackAttempt } from './timeline.js';

/** The most runs a report reads, the latest first: a life of many day-2 changes stays quick to report. */
export const reportedRunLimit = 100;

/** Phases in time order; a phase a run continued as new in goes on in the next run, so it is one span. */
function joinedPhases(timelines: readonly RunTimeline[]): PhaseSpan[] {
  const phases: PhaseSpan[] = [];
  for (const span of timelines.flatMap((t) => t.phases)) {
    const previous = phases.at(-1);
    if (previous?.name === span.name) previous.end = span.end;
    else phases.push({ ...span });
  }
  return phases;
}

/** Attempts in time order, numbered over the whole life: a stack's second deploy is attempt 2 in whichever run it was made. */
function numberedAttempts(timelines: readonly RunTimeline[]): StackAttempt[] {
  const soFar = new Map<string, number>();
  return timelines.flatMap((t) =>
    t.attempts.map((a) => {
      const key = `${a.action}/${a.stack}`;
      const attempt = (soFar.get(key) ?? 0) + 1;
      soFar.set(key, attempt);
      return { ...a, attempt };
    }),
  );
}

/** Promotions in the order they began; one that began in a run and ended in a later one is one record. */
function joinedPromotions(timelines: readonly RunTimeline[]): PromotionRecord[] {
  const joined: PromotionRecord[] = [];
  for (const record of timelines.flatMap((t) => t.promotions)) {
    const begun = record.begunAt === null ? joined.find((p) => p.id === record.id) : undefined;
    if (begun) {
      const { endedAt, outcome, deployed, verified, reason } = record;
      Object.assign(begun, { endedAt, outcome, deployed, verified, reason });
    } else joined.push({ ...record });
  }
  return joined;
}

/**
 * One timeline of a workflow id's runs (each continue-as-new starts one), oldest first: what happened in each,
 * in time order, from the first run's start to the last run's end. The latest run carries the ledger and the
 * changes of those before it, and its spec is the one deployed.
 */
export function mergeTimelines(timelines: readonly [RunTimeline, ...RunTimeline[]]): RunTimeline {
  const runs = [...timelines].sort((a, b) => a.start - b.start);
  const [first, latest] = [runs[0]!, runs.at(-1)!];
  return withCriticalPath({
    workflowId: latest.workflowId,
    platform: latest.platform,
    environment: latest.environment,
    runs: runs.reduce((sum, t) => sum + t.runs, 0),
    continuedFrom: first.continuedFrom,
    start: first.start,
    end: latest.end,
    outcome: latest.outcome,
    phases: joinedPhases(runs),
    handoffs: latest.handoffs,
    requests: runs.flatMap((t) => t.requests),
    changes: latest.changes,
    attempts: numberedAttempts(runs),
    steadyStateEvents: runs.flatMap((t) => t.steadyStateEvents),
    promotions: joinedPromotions(runs),
    stacks: latest.stacks,
    deployDurations: {},
    criticalPath: { stacks: [], duration: 0 },
  });
}

import { formatDuration } from '../spec/duration.js';
import { formatSpan, formatTime } from './format.js';
import { ganttChart, type GanttChart } from './gantt.js';
import type { SpecChange } from '../workflows/state.js';
import { reportedRunLimit } from './mergeTimelines.js';
import type { RunTimeline } from './timeline.js';

/** Plain text cells: each rendering escapes them for its own format. */
export interface ReportTable {
  heading: string;
  columns: string[];
  rows: string[][];
  /** Said instead of an empty table. */
  empty: string;
  /** A line after the table, such as a total. */
  footer?: string;
}

/** The incident report of a run as format-neutral content; markdown.ts and html.ts render it. */
export interface IncidentReport {
  title: string;
  facts: [label: string, value: string][];
  tables: ReportTable[];
  /** The schedule of the run's stacks; null for a report without a schedule to draw. */
  gantt: GanttChart | null;
}

/** The handoffs a change made: those between its start and its end (or the run's end, while it is not over). */
function changeHandoffs(change: SpecChange, timeline: RunTimeline): string {
  const [start, end] = [Date.parse(change.startedAt), change.finishedAt ? Date.parse(change.finishedAt) : (timeline.end ?? Infinity)];
  return timeline.handoffs
    .filter((h) => Date.parse(h.at) >= start && Date.parse(h.at) <= end)
    .map((h) => `${h.from} -> ${h.to}${h.accepted ? '' : ' (rejected)'}`)
    .join('; ');
}

/** How many runs the report spans, and whether the chain goes back further than it reads. */
function runsFact(timeline: RunTimeline): string {
  if (timeline.continuedFrom === null) return String(timeline.runs);
  const which = timeline.runs === 1 ? 'this run' : `the first of these ${timeline.runs}`;
  const limit = timeline.runs >= reportedRunLimit ? ` (a report reads at most ${reportedRunLimit} runs)` : '';
  return `${timeline.runs}, not the whole life: ${which} continued run ${timeline.continuedFrom}, which the report does not read${limit}`;
}

export function incidentReport(timeline: RunTimeline): IncidentReport {
  const run = formatSpan(timeline.start, timeline.end);
  const path = timeline.criticalPath;
  return {
    title: `Run report: ${timeline.platform} in ${timeline.environment}: ${timeline.outcome}`,
    facts: [
      ['Platform', timeline.platform],
      ['Environment', timeline.environment],
      ['Workflow id', timeline.workflowId],
      ['Runs', runsFact(timeline)],
      ['Result', timeline.outcome],
      ['Started', run.start],
      ['Ended', run.end],
      ['Duration', run.duration || 'running'],
    ],
    tables: [
      {
        heading: 'Phases',
        columns: ['phase', 'start', 'end', 'duration'],
        rows: timeline.phases.map((p) => {
          const span = formatSpan(p.start, p.end);
          return [p.name, span.start, span.end, span.duration];
        }),
        empty: 'No phase was entered.',
      },
      {
        heading: 'Authority handoffs',
        columns: ['concern', 'from', 'to', 'at', 'reason', 'result'],
        rows: timeline.handoffs.map((h) => [
          h.concern,
          h.from,
          h.to,
          h.at,
          h.reason,
          h.accepted ? 'accepted' : `rejected: ${h.rejection ?? 'no reason given'}`,
        ]),
        empty: 'No authority changed hands.',
      },
      {
        heading: 'Operator requests',
        columns: ['at', 'request', 'via', 'requested by', 'reason'],
        rows: timeline.requests.map((r) => [formatTime(r.at), r.kind, r.via, r.requestedBy ?? '', r.reason ?? '']),
        empty: 'No operator requests.',
      },
      {
        heading: 'Day-2 changes',
        columns: ['started', 'finished', 'requested by', 'reason', 'status', 'added', 'changed', 'removed', 'handoffs'],
        rows: timeline.changes.map((c) => [
          c.startedAt,
          c.finishedAt ?? '',
          c.requestedBy ?? '',
          c.reason ?? '',
          c.status,
          c.plan.added.join(', '),
          c.plan.changed.join(', '),
          c.plan.removed.join(', '),
          changeHandoffs(c, timeline),
        ]),
        empty: 'No change was applied to the running platform.',
      },
      {
        heading: 'Promotions',
        columns: ['promotion', 'freight', 'requested by', 'began', 'ended', 'outcome', 'deployed', 'verified', 'reason', 'sent by'],
        rows: timeline.promotions.map((p) => [
          p.id,
          p.freight,
          p.requestedBy,
          p.begunAt === null ? 'in an earlier run' : formatTime(p.begunAt),
          p.endedAt === null ? 'running' : formatTime(p.endedAt),
          p.outcome,
          p.deployed ?? '',
          p.verified ? 'yes' : 'no',
          p.reason,
          p.identity,
        ]),
        empty: 'No promotion took authority over the environment.',
      },
      {
        heading: 'Stack attempts',
        columns: ['stack', 'action', 'attempt', 'start', 'end', 'duration', 'result', 'error', 'failure type'],
        rows: timeline.attempts.map((a) => {
          const span = formatSpan(a.start, a.end);
          return [a.stack, a.action, String(a.attempt), span.start, span.end, span.duration, a.result, a.error ?? '', a.failureType ?? ''];
        }),
        empty: 'No stack was deployed or deleted.',
      },
      {
        heading: 'Steady-state events',
        columns: ['at', 'stack', 'health', 'sync', 'message'],
        rows: timeline.steadyStateEvents.map((e) => [e.at, e.stack, e.health, e.sync, e.message]),
        empty: 'Argo CD reported no change in steady state.',
      },
      {
        heading: 'Critical path',
        columns: ['stack', 'deploy duration'],
        rows: path.stacks.map((s) => [s, formatDuration(timeline.deployDurations[s] ?? 0)]),
        empty: 'No stack finished deploying.',
        footer: `Total: ${formatDuration(path.duration)} (${path.stacks.join(' → ')})`,
      },
    ],
    gantt: ganttChart(timeline),
  };
}

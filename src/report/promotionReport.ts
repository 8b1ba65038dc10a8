import type { BeginPromotionRequest, EndPromotionRequest } from '../workflows/definitions.js';
import { formatSpan, formatTime } from './format.js';
import type { IncidentReport } from './incident.js';
import type { PromotionStep, PromotionTrail } from './promotionTrail.js';

/** The handoffs a promotion asked for: deployment → promotion as it began, promotion → deployment as it ended. */
function handoffRows(steps: PromotionStep[]): string[][] {
  return steps.flatMap((s) => {
    const { request } = s.input as { request: BeginPromotionRequest | EndPromotionRequest };
    const result = s.result === 'failed' ? `refused: ${s.error ?? ''}` : s.result === 'running' ? 'running' : 'accepted';
    if (s.activity === 'beginPromotion') {
      const { previous } = (s.output ?? { previous: null }) as { previous: { id: string } | null };
      const what = `${request.freight.id} requested by ${(request as BeginPromotionRequest).requestedBy}; previous ${previous?.id ?? 'none'}`;
      return [[formatTime(s.start), 'deployment', 'promotion', what, result]];
    }
    if (s.activity === 'endPromotion') {
      const end = request as EndPromotionRequest;
      const what = `${end.outcome}: ${end.freight.id} deployed${end.verified ? ', verified' : ''}; ${end.reason}`;
      return [[formatTime(s.start), 'promotion', 'deployment', what, result]];
    }
    return [];
  });
}

/** The report of one promotion: gates, approvals with who sent them, the handoffs, the steps, the AnalysisRun. */
export function promotionReport(trail: PromotionTrail): IncidentReport {
  const span = formatSpan(trail.start, trail.end);
  const state = trail.state;
  const outcome = state?.state ?? (trail.end === null ? 'running' : 'ended without a result');
  // The run's own record of each approval says what it was for; the history says who sent it and how.
  const purposes = [...(state?.approvals ?? [])];
  const decisionFor = (approver: string, kind: string) => {
    const at = purposes.findIndex((a) => a.approver === approver && a.kind === kind);
    return at < 0 ? 'refused' : purposes.splice(at, 1)[0]!.for;
  };
  const verification = state?.verification ?? null;
  return {
    title: `Promotion report: ${trail.freight.id} to ${trail.environment} of ${trail.platform}: ${outcome}`,
    facts: [
      ['Workflow id', trail.id],
      ['Platform', trail.platform],
      ['Environment', trail.environment],
      ['Freight', trail.freight.id],
      ['Revision', trail.freight.revision],
      ['Requested by', trail.requestedBy],
      ['Result', outcome],
      ['Message', state?.message ?? ''],
      ['Previous freight', state?.previous ? `${state.previous.id} (${state.previous.revision})` : 'none'],
      ['Started', span.start],
      ['Ended', span.end],
      ['Duration', span.duration || 'running'],
    ],
    tables: [
      {
        heading: 'Gates',
        columns: ['gate', 'result', 'message'],
        rows: (state?.gates ?? []).map((g) => [g.name, g.passed ? 'passed' : 'unmet', g.message]),
        empty: 'No gate was checked.',
      },
      {
        heading: 'Approvals',
        columns: ['at', 'decision', 'for', 'approver', 'reason', 'via', 'Temporal identity'],
        rows: trail.decisions.map((d) => [
          formatTime(d.at),
          d.kind,
          decisionFor(d.approver, d.kind),
          d.approver,
          d.reason ?? '',
          d.via,
          d.identity,
        ]),
        empty: 'No approval or rejection was sent.',
      },
      {
        heading: 'Authority handoffs',
        columns: ['at', 'from', 'to', 'what', 'result'],
        rows: handoffRows(trail.steps),
        empty: 'The promotion never took authority over the environment.',
      },
      {
        heading: 'Steps',
        columns: ['step', 'start', 'end', 'duration', 'result', 'error'],
        rows: trail.steps.map((s) => {
          const step = formatSpan(s.start, s.end);
          return [s.activity, step.start, step.end, step.duration, s.result, s.error ?? ''];
        }),
        empty: 'No step ran.',
      },
      {
        heading: 'Verification',
        columns: ['analysis run', 'phase', 'metric', 'metric phase', 'value', 'at'],
        rows: (verification?.measurements ?? []).map((m) => [
          verification!.analysisRun,
          verification!.phase,
          m.metric,
          m.phase,
          m.value ?? '',
          m.at ?? '',
        ]),
        empty: verification ? `AnalysisRun ${verification.analysisRun}: ${verification.phase}, no measurements.` : 'No verification ran.',
      },
    ],
    gantt: null,
  };
}

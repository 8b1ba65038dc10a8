import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { msToTs } from '@temporalio/common/lib/time.js';
import type { temporal } from '@temporalio/proto';
import { freightPlacements } from '../../src/cli/commands/freight.js';
import { promotionSummary } from '../../src/cli/commands/promotions.js';
import type { PromotionState } from '../../src/promotion/state.js';
import { incidentReport } from '../../src/report/incident.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { mergeTimelines } from '../../src/report/mergeTimelines.js';
import { promotionReport } from '../../src/report/promotionReport.js';
import { promotionTrailFromHistory } from '../../src/report/promotionTrail.js';
import { timelineFromHistory } from '../../src/report/timeline.js';
import type { LifecycleState } from '../../src/workflows/state.js';

type History = temporal.api.history.v1.IHistory;

/** Events as the server sends them, with plain numbers for ids (the proto's Long reads back the same through String()). */
const historyOf = (events: object[]): History => ({ events }) as unknown as History;

const payload = (value: unknown) => ({
  metadata: { encoding: new TextEncoder().encode('json/plain') },
  data: new TextEncoder().encode(JSON.stringify(value)),
});
const at = (second: number) => msToTs(Date.UTC(2026, 0, 1) + second * 1000);

const freight = {
  id: 'f-86c0eb237692',
  revision: '0123456789abcdef0123456789abcdef01234567',
  images: [],
  createdAt: '2026-01-01T00:00:00.000Z',
};
const policy = {
  auto: false,
  from: ['dev'],
  verifiedIn: ['dev'],
  approvals: { required: 2, from: ['release-lead', 'sre-lead', 'security-lead'], expiresAfter: '24h', separateFromRequester: true },
};
const id = 'baton/demo/promotion/f-86c0eb237692-prod';

const finalState: PromotionState = {
  id,
  platform: 'demo',
  environment: 'prod',
  freight,
  requestedBy: 'release-lead',
  requestedAt: '2026-01-01T00:00:00.000Z',
  state: 'succeeded',
  policy,
  gates: [{ name: 'verifiedIn dev', passed: true, message: 'f-86c0eb237692 passed verification in dev' }],
  approvals: [
    { approver: 'sre-lead', at: '2026-01-01T00:00:10.000Z', reason: 'dashboards green', kind: 'approve', for: 'promotion' },
    { approver: 'security-lead', at: '2026-01-01T00:00:20.000Z', kind: 'approve', for: 'promotion' },
  ],
  waitingFor: null,
  previous: { id: 'f-aaaaaaaaaaaa', revision: 'a'.repeat(40) },
  verification: {
    analysisRun: 'smoke-f-86c0eb237692',
    phase: 'Successful',
    measurements: [{ metric: 'smoke', phase: 'Successful', value: '{"ok":true}' }],
  },
  message: 'f-86c0eb237692 is deployed in prod, verified',
  finishedAt: '2026-01-01T00:01:00.000Z',
} as PromotionState;

/** A promotion's history: started, approved by update and by signal, the handoffs and the verification, completed. */
function promotionHistory(): History {
  const begin = {
    workflowId: 'baton/demo/prod',
    request: { promotionId: id, freight: { id: freight.id, revision: freight.revision }, requestedBy: 'release-lead' },
  };
  const end = {
    workflowId: 'baton/demo/prod',
    request: { promotionId: id, outcome: 'succeeded', freight, verified: true, reason: 'deployed and verified' },
  };
  return historyOf([
    {
      eventId: 1,
      eventTime: at(0),
      workflowExecutionStartedEventAttributes: {
        workflowId: id,
        workflowType: { name: 'promotion' },
        input: { payloads: [payload({ platform: 'demo', environment: 'prod', freight, requestedBy: 'release-lead', policy })] },
      },
    },
    {
      eventId: 5,
      eventTime: at(10),
      workflowExecutionUpdateAcceptedEventAttributes: {
        acceptedRequest: {
          meta: { updateId: 'u1', identity: '4242@laptop' },
          input: { name: 'approvePromotion', args: { payloads: [payload({ approver: 'sre-lead', reason: 'dashboards green' })] } },
        },
      },
    },
    {
      eventId: 8,
      eventTime: at(20),
      workflowExecutionSignaledEventAttributes: {
        signalName: 'approvePromotion',
        identity: 'temporal-cli:oncall@host',
        input: { payloads: [payload({ approver: 'security-lead' })] },
      },
    },
    {
      eventId: 11,
      eventTime: at(21),
      activityTaskScheduledEventAttributes: { activityType: { name: 'beginPromotion' }, input: { payloads: [payload(begin)] } },
    },
    {
      eventId: 13,
      eventTime: at(22),
      activityTaskCompletedEventAttributes: { scheduledEventId: 11, result: { payloads: [payload({ previous: finalState.previous })] } },
    },
    {
      eventId: 20,
      eventTime: at(40),
      activityTaskScheduledEventAttributes: { activityType: { name: 'runVerification' }, input: { payloads: [payload({})] } },
    },
    {
      eventId: 22,
      eventTime: at(50),
      activityTaskCompletedEventAttributes: { scheduledEventId: 20, result: { payloads: [payload(finalState.verification)] } },
    },
    {
      eventId: 30,
      eventTime: at(55),
      activityTaskScheduledEventAttributes: { activityType: { name: 'endPromotion' }, input: { payloads: [payload(end)] } },
    },
    { eventId: 32, eventTime: at(56), activityTaskCompletedEventAttributes: { scheduledEventId: 30 } },
    { eventId: 40, eventTime: at(60), workflowExecutionCompletedEventAttributes: { result: { payloads: [payload(finalState)] } } },
  ]);
}

describe('the promotion report', () => {
  it('reads approvals with the identity and the way each was sent, the handoffs, steps and AnalysisRun from the history', () => {
    const trail = promotionTrailFromHistory(promotionHistory());
    assert.deepEqual(
      trail.decisions.map((d) => [d.approver, d.kind, d.via, d.identity, d.reason]),
      [
        ['sre-lead', 'approve', 'update', '4242@laptop', 'dashboards green'],
        ['security-lead', 'approve', 'signal', 'temporal-cli:oncall@host', undefined],
      ],
    );
    assert.deepEqual(
      trail.steps.map((s) => [s.activity, s.result]),
      [
        ['beginPromotion', 'succeeded'],
        ['runVerification', 'succeeded'],
        ['endPromotion', 'succeeded'],
      ],
    );
    const text = renderMarkdown(promotionReport(trail));
    assert.match(text, /^# Promotion report: f-86c0eb237692 to prod of demo: succeeded$/m);
    assert.match(text, /^- Workflow id: baton\/demo\/promotion\/f-86c0eb237692-prod$/m);
    assert.match(text, /^\| verifiedIn dev \| passed \| f-86c0eb237692 passed verification in dev \|$/m);
    assert.match(
      text,
      /^\| 2026-01-01T00:00:10.000Z \| approve \| promotion \| sre-lead \| dashboards green \| update \| 4242@laptop \|$/m,
    );
    assert.match(
      text,
      /^\| 2026-01-01T00:00:20.000Z \| approve \| promotion \| security-lead \| {2}\| signal \| temporal-cli:oncall@host \|$/m,
    );
    assert.match(
      text,
      /^\| 2026-01-01T00:00:21.000Z \| deployment \| promotion \| f-86c0eb237692 requested by release-lead; previous f-aaaaaaaaaaaa \| accepted \|$/m,
    );
    assert.match(
      text,
      /^\| 2026-01-01T00:00:55.000Z \| promotion \| deployment \| succeeded: f-86c0eb237692 deployed, verified; deployed and verified \| accepted \|$/m,
    );
    assert.match(text, /^\| smoke-f-86c0eb237692 \| Successful \| smoke \| Successful \| \{"ok":true\} \| {2}\|$/m);
    assert.doesNotMatch(text, /Gantt/);
  });

  it('lists a promotion as `baton promotions --json` gives it, with the approvals only', () => {
    assert.deepEqual(promotionSummary(finalState), {
      id,
      freight: freight.id,
      revision: freight.revision,
      to: 'prod',
      requestedBy: 'release-lead',
      state: 'succeeded',
      approvals: [
        { approver: 'sre-lead', at: '2026-01-01T00:00:10.000Z', reason: 'dashboards green' },
        { approver: 'security-lead', at: '2026-01-01T00:00:20.000Z' },
      ],
    });
  });

  it('places each freight in the environments that run it and those that verified it', () => {
    const older = { ...freight, id: 'f-aaaaaaaaaaaa', revision: 'a'.repeat(40) };
    const environments = [
      {
        environment: 'dev',
        freight: { id: freight.id, revision: freight.revision, deployedAt: '' },
        verifiedFreight: [older, freight].map((f) => ({ freight: f.id, at: '' })),
      },
      {
        environment: 'prod',
        freight: { id: older.id, revision: older.revision, deployedAt: '' },
        verifiedFreight: [{ freight: older.id, at: '' }],
      },
    ] as unknown as LifecycleState[];
    assert.deepEqual(
      freightPlacements([older, freight], environments).map((p) => [p.id, p.deployedIn, p.verifiedIn]),
      [
        [older.id, ['prod'], ['dev', 'prod']],
        [freight.id, ['dev'], ['dev']],
      ],
    );
  });
});

describe("the environment's report lists its promotions", () => {
  const started = (second: number) => ({
    eventId: 1,
    eventTime: at(second),
    workflowExecutionStartedEventAttributes: {
      workflowId: 'baton/demo/prod',
      input: { payloads: [payload({ spec: { metadata: { name: 'demo' } }, environment: 'prod' })] },
    },
  });
  const update = (second: number, name: string, request: unknown) => ({
    eventId: second,
    eventTime: at(second),
    workflowExecutionUpdateAcceptedEventAttributes: {
      acceptedRequest: { meta: { updateId: name, identity: 'worker@promotion' }, input: { name, args: { payloads: [payload(request)] } } },
    },
  });
  const begin = update(10, 'beginPromotion', { promotionId: id, freight, requestedBy: 'release-lead' });
  const end = update(50, 'endPromotion', {
    promotionId: id,
    outcome: 'failed',
    freight: finalState.previous,
    verified: false,
    reason: 'verification failed',
  });

  it('from the beginPromotion and endPromotion updates, joined across continue-as-new', () => {
    const one = timelineFromHistory(historyOf([started(0), begin, end]));
    const joined = mergeTimelines([
      timelineFromHistory(historyOf([started(0), begin])),
      timelineFromHistory(historyOf([started(30), end])),
    ]);
    for (const timeline of [one, joined]) {
      assert.deepEqual(
        timeline.promotions.map((p) => [p.id, p.freight, p.requestedBy, p.identity, p.outcome, p.deployed, p.verified, p.reason]),
        [[id, freight.id, 'release-lead', 'worker@promotion', 'failed', 'f-aaaaaaaaaaaa', false, 'verification failed']],
      );
      assert.deepEqual(timeline.requests, [], 'a promotion is not an operator request');
    }
    assert.match(
      renderMarkdown(incidentReport(joined)),
      /^\| baton\/demo\/promotion\/f-86c0eb237692-prod \| f-86c0eb237692 \| release-lead \| 2026-01-01T00:00:10.000Z \| 2026-01-01T00:00:50.000Z \| failed \| f-aaaaaaaaaaaa \| no \| verification failed \| worker@promotion \|$/m,
    );
  });
});

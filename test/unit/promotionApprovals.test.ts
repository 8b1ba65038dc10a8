import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalRefusal, type ApprovalRequest } from '../../src/promotion/approvals.js';
import type { PromotionState } from '../../src/promotion/state.js';
import { promotionSchema } from '../../src/spec/schema.js';

const at = '2026-12-01T10:00:00.000Z';

/** A promotion of f-1 to prod requested by alice, waiting for two of release-lead, sre-lead, alice. */
function promotion(change: Partial<PromotionState> = {}, separateFromRequester = true): PromotionState {
  return {
    id: 'baton/shop/promotion/f-1-prod',
    platform: 'shop',
    environment: 'prod',
    freight: { id: 'f-1', revision: 'a'.repeat(40), images: [], createdAt: at },
    requestedBy: 'alice',
    requestedAt: at,
    state: 'waiting-approval',
    policy: promotionSchema.parse({
      from: ['dev'],
      approvals: { required: 2, from: ['release-lead', 'sre-lead', 'alice'], separateFromRequester },
    }),
    gates: [],
    approvals: [{ approver: 'sre-lead', at, kind: 'approve', for: 'promotion' }],
    waitingFor: 'promotion',
    previous: null,
    verification: null,
    message: null,
    finishedAt: null,
    ...change,
  };
}

describe('approvals', () => {
  const cases: { kind: string; state: PromotionState; request: ApprovalRequest; as?: 'approve' | 'reject'; refusal: string | null }[] = [
    { kind: 'an allowed approver', state: promotion(), request: { approver: 'release-lead' }, refusal: null },
    {
      kind: 'an approver the policy does not allow',
      state: promotion(),
      request: { approver: 'mallory' },
      refusal: 'approver mallory is not allowed: allowed are release-lead, sre-lead, alice',
    },
    {
      kind: 'a rejection by an approver the policy does not allow',
      state: promotion(),
      request: { approver: 'mallory' },
      as: 'reject',
      refusal: 'approver mallory is not allowed: allowed are release-lead, sre-lead, alice',
    },
    {
      kind: 'the same approver twice',
      state: promotion(),
      request: { approver: 'sre-lead' },
      refusal: `sre-lead has already approved at ${at}`,
    },
    {
      kind: 'the same approver for a paused canary after approving the promotion',
      state: promotion({ waitingFor: 'canary', state: 'promoting' }),
      request: { approver: 'sre-lead' },
      refusal: null,
    },
    { kind: 'a rejection after an approval', state: promotion(), request: { approver: 'sre-lead' }, as: 'reject', refusal: null },
    {
      kind: 'the requester with separation of duties',
      state: promotion(),
      request: { approver: 'alice' },
      refusal: 'the requester alice may not approve their own promotion',
    },
    { kind: 'the requester without separation of duties', state: promotion({}, false), request: { approver: 'alice' }, refusal: null },
    {
      kind: 'an already decided promotion',
      state: promotion({ state: 'succeeded', waitingFor: null }),
      request: { approver: 'release-lead' },
      refusal: 'promotion baton/shop/promotion/f-1-prod is already succeeded',
    },
    {
      kind: 'a promotion that waits for nobody',
      state: promotion({ state: 'verifying', waitingFor: null }),
      request: { approver: 'release-lead' },
      as: 'reject',
      refusal: 'promotion baton/shop/promotion/f-1-prod is not waiting for an approval: it is verifying',
    },
    {
      kind: 'anyone for a canary when the policy names no approvers',
      state: promotion({ policy: promotionSchema.parse({}), approvals: [], waitingFor: 'canary', state: 'promoting' }),
      request: { approver: 'bob' },
      refusal: null,
    },
  ];
  for (const { kind, state, request, as = 'approve', refusal } of cases) {
    it(`${refusal ? 'refuses' : 'accepts'} ${kind}`, () => assert.equal(approvalRefusal(state, request, as), refusal));
  }
});

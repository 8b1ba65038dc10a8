import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import type { z } from 'zod';
import { approvalRequestSchema } from '../../../src/promotion/approvals.js';
import type { PromotionState } from '../../../src/promotion/state.js';
import { promotionSchema } from '../../../src/spec/schema.js';
import { validatePlatformSpec } from '../../../src/spec/validate.js';
import { handoffRequestSchema } from '../../../src/workflows/authority.js';
import { applySpecRequestSchema, controlRefusal, controlRequestSchema, malformedRequest } from '../../../src/workflows/control.js';
import { failureTypes } from '../../../src/workflows/failureTypes.js';
import type { PlatformRun } from '../../../src/workflows/platformRun.js';
import { decisionRefusal } from '../../../src/workflows/promotionHandlers.js';
import {
  acceptableBegin,
  acceptableEnd,
  beginPromotionRequestSchema,
  endPromotionRequestSchema,
} from '../../../src/workflows/promotionHandoff.js';
import { acceptableChange } from '../../../src/workflows/specChangeRequest.js';
import { initialLifecycleState, phase } from '../../../src/workflows/state.js';
import { freightVerifiedSchema, promotionRequestRefusal, promotionRequestSchema } from '../../../src/workflows/warehouseRequests.js';
import { platformDocument } from '../../support/specs.js';
import { fuzzCases } from './fuzzCases.js';

const at = '2026-12-01T10:00:00.000Z';
const commit = 'c'.repeat(40);
const document = { ...platformDocument('shop', [{ name: 'api' }, { name: 'web', dependsOn: ['api'] }]) };
document.spec.environments = [{ name: 'dev' }, { name: 'prod', cluster: 'prod', promotion: { from: ['dev'] } }];
const validation = validatePlatformSpec(document);
assert.ok(validation.ok, JSON.stringify(validation));
const spec = validation.spec;

/** A run of shop in dev, in steady state with Argo CD holding the platform: every request may be taken on its merits. */
function steadyRun(): PlatformRun {
  const state = initialLifecycleState('baton/shop/dev', 'shop', 'dev', spec.spec.stacks);
  Object.assign(state, { phase: phase(3), authority: { platform: 'deployment' } });
  return {
    state,
    spec,
    environment: 'dev',
    change: null,
    control: { resume: null, abort: null, teardown: null },
  } as unknown as PlatformRun;
}

/** A promotion of shop to prod waiting for one approval from release-lead. */
const waitingPromotion: PromotionState = {
  id: 'baton/shop/promotion/f-1-prod',
  platform: 'shop',
  environment: 'prod',
  freight: { id: 'f-1', revision: commit, images: [], createdAt: at },
  requestedBy: 'alice',
  requestedAt: at,
  state: 'waiting-approval',
  policy: promotionSchema.parse({ from: ['dev'], approvals: { required: 1, from: ['release-lead'] } }),
  gates: [],
  approvals: [],
  waitingFor: 'promotion',
  previous: null,
  verification: null,
  message: null,
  finishedAt: null,
};

/** A refusal as the sender hears it: a validator's non-retryable ApplicationFailure of Baton's types, or a signal's logged reason. */
function refusalOf(validate: () => unknown): string | null {
  try {
    const answer = validate();
    return typeof answer === 'string' ? answer : null;
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure, `not an ApplicationFailure: ${(err as Error)?.stack ?? String(err)}`);
    assert.ok(err.nonRetryable && Object.values<string>(failureTypes).includes(err.type ?? ''), `an untyped refusal: ${err.type}`);
    return err.message;
  }
}

interface Target {
  /** The update or signal. */
  name: string;
  schema: z.ZodType;
  /** Its validator on a payload: the refusal, or null when it takes it. */
  refusal: (payload: unknown) => string | null;
  /** A payload the message takes, to vary field by field. */
  valid: Record<string, unknown>;
  /** Whether an absent payload stands for an empty request. */
  absentIsEmpty?: boolean;
}

const freight = { id: 'f-1', revision: commit, images: [], createdAt: at };
const targets: Target[] = [
  ...(['resume', 'abort', 'teardown'] as const).map((kind) => ({
    name: kind,
    schema: controlRequestSchema,
    refusal: (payload: unknown) => controlRefusal(kind, steadyRun().state, payload),
    valid: { requestedBy: 'alice', reason: 'weekly' },
    absentIsEmpty: true,
  })),
  {
    name: 'applySpec',
    schema: applySpecRequestSchema,
    refusal: (payload) => refusalOf(() => acceptableChange(steadyRun(), payload)),
    valid: { spec: document, requestedBy: 'alice' },
    absentIsEmpty: true,
  },
  {
    name: 'beginPromotion',
    schema: beginPromotionRequestSchema,
    refusal: (payload) => refusalOf(() => acceptableBegin(steadyRun(), payload)),
    valid: { promotionId: waitingPromotion.id, freight: { id: 'f-1', revision: commit }, requestedBy: 'alice' },
    absentIsEmpty: true,
  },
  {
    name: 'endPromotion',
    schema: endPromotionRequestSchema,
    refusal: (payload) => refusalOf(() => acceptableEnd(steadyRun(), payload)),
    valid: {
      promotionId: waitingPromotion.id,
      outcome: 'succeeded',
      freight: { id: 'f-1', revision: commit },
      verified: true,
      reason: 'ok',
    },
    absentIsEmpty: true,
  },
  ...(['approve', 'reject'] as const).map((kind) => ({
    name: `${kind}Promotion`,
    schema: approvalRequestSchema,
    refusal: (payload: unknown) => decisionRefusal({ state: structuredClone(waitingPromotion) }, kind, payload),
    valid: { approver: 'release-lead', reason: 'looks good' },
  })),
  {
    name: 'requestPromotion',
    schema: promotionRequestSchema,
    refusal: (payload) => promotionRequestRefusal(spec, [freight], payload),
    valid: { environment: 'prod', revision: commit, requestedBy: 'alice' },
  },
  {
    name: 'freightVerified',
    schema: freightVerifiedSchema,
    refusal: (payload) => malformedRequest('freightVerified', freightVerifiedSchema, payload),
    valid: { freight, environment: 'dev' },
  },
  {
    name: 'authorityHandoff',
    schema: handoffRequestSchema,
    refusal: (payload) => malformedRequest('authorityHandoff', handoffRequestSchema, payload),
    valid: { concern: 'platform', from: 'orchestration', to: 'deployment', sender: 'baton/shop/dev', reason: 'stacks deployed' },
  },
];

/** Any JavaScript value (what a payload converter other than JSON could deliver), and any JSON value, shallow enough to draw fast. */
const anyValue = fc.anything({ maxDepth: 2, maxKeys: 4 });
const jsonValue = fc.jsonValue({ maxDepth: 2 });

/** Any value, or the valid payload with fields dropped, replaced by any value, or joined by an unknown one. */
function payloads(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const field = (value: unknown) => fc.oneof({ weight: 3, arbitrary: fc.constant(value) }, anyValue, jsonValue);
  const fields = Object.fromEntries(Object.entries(valid).map(([key, value]) => [key, field(value)]));
  const nearlyValid = fc
    .tuple(fc.record(fields, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 12 }), jsonValue, { maxKeys: 1 }))
    .map(([known, extra]) => ({ ...extra, ...known }));
  return fc.oneof(anyValue, jsonValue, nearlyValid);
}

describe('every update and signal payload through its validator (fast-check)', () => {
  for (const target of targets) {
    it(`${target.name}: takes the payload, or refuses it naming every malformed field`, async () => {
      const run = await fuzzCases(
        payloads(target.valid),
        (payload) => {
          const refusal = target.refusal(payload);
          const parsed = target.schema.safeParse(target.absentIsEmpty ? (payload ?? {}) : payload);
          if (parsed.success) return;
          assert.ok(refusal !== null, `a malformed ${target.name} payload was taken: ${JSON.stringify(payload)}`);
          for (const issue of parsed.error.issues) {
            const field = issue.path.join('.') || '(request)';
            assert.ok(refusal.includes(`${field}: `), `the refusal does not name ${field}: ${refusal}`);
          }
        },
        10_000,
      );
      console.log(`${target.name} payloads: ${run.cases} cases, ${run.cpuMs} ms of CPU, slowest ${run.slowestMs} ms, seed ${run.seed}`);
    });
  }
});

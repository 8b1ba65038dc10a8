import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gateFailures, type EnvironmentFreight } from '../../src/promotion/gates.js';
import { promotionSchema, type PromotionPolicyInput } from '../../src/spec/schema.js';

const freight = { id: 'f-new' };
const now = '2026-12-01T10:10:00.000Z';

/** An environment in steady state running `id` since `deployedAt`, healthy since `healthySince`, with the given verified freight. */
function environment(id: string | null, deployedAt: string, healthySince: string | null, verified: string[] = []): EnvironmentFreight {
  return {
    freight: id === null ? null : { id, revision: 'a'.repeat(40), deployedAt },
    verifiedFreight: verified.map((f) => ({ freight: f, at: deployedAt })),
    healthySince,
    phase: 3,
  };
}

describe('promotion gates', () => {
  const cases: { kind: string; policy: PromotionPolicyInput; upstream: Record<string, EnvironmentFreight>; failures: string[] }[] = [
    { kind: 'no gates', policy: {}, upstream: {}, failures: [] },
    {
      kind: 'verified upstream and soaked long enough',
      policy: { from: ['dev'], verifiedIn: ['dev'], soak: '10m' },
      upstream: { dev: environment('f-new', '2026-12-01T09:59:00.000Z', '2026-12-01T10:00:00.000Z', ['f-old', 'f-new']) },
      failures: [],
    },
    {
      kind: 'not verified upstream',
      policy: { from: ['dev'], verifiedIn: ['dev'] },
      upstream: { dev: environment('f-new', '2026-12-01T09:00:00.000Z', '2026-12-01T09:00:00.000Z', ['f-old']) },
      failures: ['verifiedIn: f-new has not passed verification in dev'],
    },
    {
      kind: 'healthy for less than the soak, counted from the later of deploy and health',
      policy: { from: ['dev'], soak: '10m' },
      upstream: { dev: environment('f-new', '2026-12-01T10:08:00.000Z', '2026-12-01T09:00:00.000Z') },
      failures: ['soak: dev has run f-new healthy for 2m00s of the 10m required'],
    },
    {
      kind: 'upstream runs other freight',
      policy: { from: ['dev', 'qa'], soak: '1m' },
      upstream: { dev: environment('f-old', '2026-12-01T09:00:00.000Z', '2026-12-01T09:00:00.000Z'), qa: environment(null, now, null) },
      failures: ['soak: dev does not run f-new (it runs f-old)', 'soak: qa does not run f-new (it runs no freight)'],
    },
    {
      kind: 'upstream unhealthy',
      policy: { from: ['dev'], soak: '1m' },
      upstream: { dev: environment('f-new', '2026-12-01T09:00:00.000Z', null) },
      failures: ['soak: dev runs f-new but is not healthy'],
    },
    {
      kind: 'an upstream with no run',
      policy: { from: ['dev'], verifiedIn: ['dev'], soak: '1m' },
      upstream: {},
      failures: ['verifiedIn: f-new has not passed verification in dev', 'soak: dev has no lifecycle run to ask'],
    },
  ];
  for (const { kind, policy, upstream, failures } of cases) {
    it(`${failures.length ? 'stops' : 'passes'} on ${kind}`, () =>
      assert.deepEqual(gateFailures(promotionSchema.parse(policy), freight, upstream, now), failures));
  }
});

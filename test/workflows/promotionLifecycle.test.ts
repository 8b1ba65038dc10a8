import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ArgoCdActivities, StackTarget } from '../../src/activities/interfaces.js';
import { freightId } from '../../src/promotion/freight.js';
import type { PlatformSpecInput } from '../../src/spec/index.js';
import {
  applySpecUpdate,
  beginPromotionUpdate,
  endPromotionUpdate,
  stateQuery,
  teardownUpdate,
  type BeginPromotionRequest,
  type EndPromotionRequest,
} from '../../src/workflows/definitions.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import type { platformLifecycle } from '../../src/workflows/platformLifecycle.js';
import { activityDoubles, resolvedCommit, type LiveApplication } from '../support/doubles.js';
import { continuedRun, handoffs, startLifecycle, uniqueName, waitForState, withWorkers } from '../support/harness.js';
import { platformDocument } from '../support/specs.js';
import { startTemporal } from '../support/temporal.js';

type Lifecycle = WorkflowHandle<typeof platformLifecycle>;

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

/** The platform's branch, main, is at this commit as the resolveRevision double answers. */
const branchCommit = resolvedCommit('main');
const first = { id: freightId(branchCommit), revision: branchCommit };
const next = { id: freightId('b'.repeat(40)), revision: 'b'.repeat(40) };

/**
 * Stacks app (the platform repository) and chart (a Helm chart of its own repository, at its own version); dev
 * takes part in promotion (no auto: the tests begin and end each promotion themselves), so it runs freight.
 */
function spec(platform: string, extra: string[] = []): PlatformSpecInput {
  const document = platformDocument(platform, [{ name: 'app' }, ...extra.map((name) => ({ name }))]);
  const chart = { name: 'chart', source: { repoURL: 'https://charts.127.0.0.1.nip.io/', chart: 'podinfo', targetRevision: '6.7.0' } };
  return {
    ...document,
    spec: { ...document.spec, stacks: [...document.spec.stacks, chart], environments: [{ name: 'dev', promotion: {} }] },
  };
}

/** The doubles, with the targets every ensureApplication was given (what the Applications point at). */
function doublesRecordingTargets(liveApplications = new Map<string, LiveApplication>()) {
  const doubles = activityDoubles({ liveApplications });
  const targets: StackTarget[] = [];
  const argocd = doubles.zones.argocd as ArgoCdActivities;
  const zones = {
    ...doubles.zones,
    argocd: { ...argocd, ensureApplication: (t: StackTarget) => (targets.push(t), argocd.ensureApplication(t)) },
  };
  return { doubles, zones, targets };
}

const revisionsOf = (targets: StackTarget[], stack: string) =>
  targets.filter((t) => t.stack.name === stack).map((t) => (t.stack.source ? t.stack.source.targetRevision : null));

const begin = (handle: Lifecycle, request: BeginPromotionRequest) => handle.executeUpdate(beginPromotionUpdate, { args: [request] });
const end = (handle: Lifecycle, request: EndPromotionRequest) => handle.executeUpdate(endPromotionUpdate, { args: [request] });

/** Asserts the update is refused as PromotionRefused (or the given type), its message matching. */
async function refused(update: Promise<unknown>, message: RegExp, type: string = failureTypes.promotionRefused): Promise<void> {
  await assert.rejects(update, (err: unknown) => {
    assert.ok(err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure, String(err));
    assert.equal(err.cause.type, type, err.cause.message);
    assert.match(err.cause.message, message);
    return true;
  });
}

describe('the lifecycle and promotions', () => {
  it('pins the first deploy at the commit of the branch, and hands the platform to a promotion and back', async () => {
    const { doubles, zones, targets } = doublesRecordingTargets();
    await withWorkers(env, zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, { spec: spec(uniqueName('pin')), environment: 'dev' });
      const request = { promotionId: 'baton/p/promotion/f-b-dev', freight: next, requestedBy: 'alice' };
      // Before steady state (the run is deploying or just started) a promotion is refused.
      await refused(begin(handle, request), /phase [0-2] .*a promotion moves an environment in steady state \(phase 3\)/);
      const steady = await waitForState(handle, (s) => s.phase.number === 3);

      assert.deepEqual(doubles.inputsOf('resolveRevision'), [{ repoURL: 'file:///srv/platform.git', revision: 'main' }]);
      assert.deepEqual(revisionsOf(targets, 'app'), [branchCommit], 'the platform repository source points at the commit');
      assert.deepEqual(revisionsOf(targets, 'chart'), ['6.7.0'], 'a chart of another repository keeps its version');
      assert.deepEqual({ id: steady.freight?.id, revision: steady.freight?.revision }, first);

      assert.deepEqual(await begin(handle, request), { previous: first });
      await refused(
        begin(handle, { ...request, promotionId: 'another' }),
        /promotion baton\/p\/promotion\/f-b-dev holds the platform since/,
      );
      await refused(
        handle.executeUpdate(applySpecUpdate, { args: [{ spec: spec('x') }] }),
        /promotion baton\/p\/promotion\/f-b-dev holds the platform; apply once/,
        failureTypes.requestRefused,
      );
      await refused(
        handle.executeUpdate(teardownUpdate, { args: [{}] }),
        /promotion baton\/p\/promotion\/f-b-dev holds the platform; teardown once/,
        failureTypes.requestRefused,
      );
      const promoting = await handle.query(stateQuery);
      assert.equal(promoting.authority.platform, 'promotion');
      assert.equal(promoting.phase.number, 3);
      assert.deepEqual(promoting.promotion && { id: promoting.promotion.id, freight: promoting.promotion.freight }, {
        id: request.promotionId,
        freight: next.id,
      });

      const ending = {
        promotionId: request.promotionId,
        outcome: 'succeeded' as const,
        freight: next,
        verified: true,
        reason: 'healthy and verified',
      };
      await refused(
        end(handle, { ...ending, promotionId: 'another' }),
        /promotion another does not hold the platform \(promotion baton\/p\/promotion\/f-b-dev does\)/,
      );
      await end(handle, ending);
      const after = await handle.query(stateQuery);
      assert.equal(after.authority.platform, 'deployment');
      assert.equal(after.promotion, null);
      assert.deepEqual({ id: after.freight?.id, revision: after.freight?.revision }, next);
      assert.deepEqual(
        after.verifiedFreight.map((v) => v.freight),
        [next.id],
      );
      const ledger = after.ledger.slice(-2);
      assert.deepEqual(handoffs({ ...after, ledger }), ['deployment->promotion', 'promotion->deployment']);
      assert.deepEqual(
        ledger.map((e) => e.sender),
        [request.promotionId, request.promotionId],
      );
      assert.match(ledger[0]!.reason, new RegExp(`promotion of ${next.id} \\(${next.revision}\\) requested by alice`));
      await refused(end(handle, ending), /no promotion does/);

      // A day-2 apply that adds a stack deploys it at the promoted commit, not at the branch.
      await handle.executeUpdate(applySpecUpdate, { args: [{ spec: spec(steady.platform, ['extra']) }] });
      await waitForState(handle, (s) => s.phase.number === 3 && s.change?.status === 'applied');
      assert.deepEqual(revisionsOf(targets, 'extra'), [next.revision]);
      assert.equal(doubles.inputsOf('resolveRevision').length, 1, 'the next run keeps its freight');
      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      await handle.result();
    });
  });

  it('keeps the freight and what passed verification across continue-as-new', async () => {
    const { doubles, zones } = doublesRecordingTargets();
    await withWorkers(env, zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, {
        spec: spec(uniqueName('carry')),
        environment: 'dev',
        continueAsNewAfterWatches: 2,
        timeouts: { steadyStateWatch: '4s' },
      });
      const steady = await waitForState(handle, (s) => s.phase.number === 3);
      const { runId } = await handle.describe();
      const promotionId = 'baton/p/promotion/carried';
      await begin(handle, { promotionId, freight: next, requestedBy: 'ci' });
      await end(handle, { promotionId, outcome: 'succeeded', freight: next, verified: true, reason: 'verified' });
      await continuedRun(handle, runId);
      const carried = await waitForState(handle, (s) => s.phase.number === 3);
      assert.deepEqual({ id: carried.freight?.id, revision: carried.freight?.revision }, next);
      assert.deepEqual(
        carried.verifiedFreight.map((v) => v.freight),
        [next.id],
      );
      assert.equal(carried.promotion, null);
      assert.equal(carried.startedAt, steady.startedAt);
      assert.equal(doubles.inputsOf('resolveRevision').length, 1, 'the carried run resolves no branch');
      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      await handle.result();
    });
  });

  it('records no drift while a promotion syncs the Applications, and drift again once it has ended', async () => {
    const live = new Map<string, LiveApplication>();
    const { doubles, zones } = doublesRecordingTargets(live);
    await withWorkers(env, zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, { spec: spec(uniqueName('quiet')), environment: 'dev' });
      await waitForState(handle, (s) => s.phase.number === 3);
      const promotionId = 'baton/p/promotion/quiet';
      await begin(handle, { promotionId, freight: next, requestedBy: 'ci' });
      const watchStarts = () => doubles.calls.filter((c) => c.activity === 'watchPlatformApplications' && c.phase === 'start').length;
      const watchesBefore = watchStarts();
      live.set('app', { sync: 'OutOfSync', health: 'Progressing', message: 'app: Progressing/OutOfSync' });
      // The watch sees the promotion's sync, and starts again from it without recording it.
      while (watchStarts() < watchesBefore + 2) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual((await handle.query(stateQuery)).steadyStateEvents, []);
      live.delete('app');
      await end(handle, { promotionId, outcome: 'succeeded', freight: next, verified: false, reason: 'healthy' });
      live.set('chart', { sync: 'OutOfSync', health: 'Healthy', message: 'chart: Healthy/OutOfSync' });
      const drifted = await waitForState(handle, (s) => s.steadyStateEvents.length > 0);
      assert.deepEqual(
        drifted.steadyStateEvents.map((e) => `${e.stack} ${e.health}/${e.sync}`),
        ['chart Healthy/OutOfSync'],
      );
      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      await handle.result();
    });
  });
});

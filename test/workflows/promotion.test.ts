import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { freightId } from '../../src/promotion/freight.js';
import { promotionWorkflowId } from '../../src/promotion/names.js';
import type { PromotionState } from '../../src/promotion/state.js';
import { lifecycleWorkflowId, promotionSchema, type PromotionPolicy } from '../../src/spec/index.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import { promotion } from '../../src/workflows/promotion.js';
import {
  approvePromotionSignal,
  approvePromotionUpdate,
  promotionStateQuery,
  rejectPromotionUpdate,
} from '../../src/workflows/promotionDefinitions.js';
import type { PromotionInput } from '../../src/workflows/promotionInput.js';
import { workflowTaskQueue } from '../../src/workflows/taskQueues.js';
import { activityDoubles, type PromotionKnobs } from '../support/doubles.js';
import { startWorkers, uniqueName, withWorkers } from '../support/harness.js';
import { startTemporal } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

const newRevision = 'c'.repeat(40);
const previous = { id: freightId('b'.repeat(40)), revision: 'b'.repeat(40) };
const approvers = ['release-lead', 'sre-lead', 'security-lead'];
/** Two of three leads, the requester excluded, with a verification: prod's policy in the spec's example. */
const prodPolicy = (expiresAfter = '1m') =>
  promotionSchema.parse({
    from: ['dev'],
    approvals: { required: 2, from: approvers, expiresAfter, separateFromRequester: true },
    verification: { analysisTemplates: ['smoke'] },
  });

function promotionInput(prefix: string, platform: string, policy: PromotionPolicy, requestedBy = 'release-lead'): PromotionInput {
  return {
    platform,
    environment: 'prod',
    freight: { id: freightId(newRevision), revision: newRevision, images: [], createdAt: new Date().toISOString() },
    requestedBy,
    policy,
    repoURL: 'file:///srv/platform.git',
    cluster: 'prod',
    lifecycleWorkflowId: lifecycleWorkflowId(platform, 'prod'),
    taskQueuePrefix: prefix,
    timeouts: { promote: '10s', verification: '10s', call: '5s', heartbeat: '2s' },
  };
}

function startPromotion(client: Client, prefix: string, input: PromotionInput): Promise<WorkflowHandle<typeof promotion>> {
  return client.workflow.start(promotion, {
    taskQueue: workflowTaskQueue(prefix),
    workflowId: promotionWorkflowId(input.platform, input.freight.id, input.environment),
    args: [input],
  });
}

/** Polls the promotion's state query until the predicate holds; fails after the limit with the last state. */
async function waitForPromotion(
  handle: WorkflowHandle<typeof promotion>,
  predicate: (state: PromotionState) => boolean,
  limitMs = 20_000,
): Promise<PromotionState> {
  const deadline = Date.now() + limitMs;
  let state: PromotionState | undefined;
  while (Date.now() < deadline) {
    state = await handle.query(promotionStateQuery);
    if (predicate(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`promotion state not reached within ${limitMs}ms; last state:\n${JSON.stringify(state, null, 2)}`);
}

const waitingFor = (what: PromotionState['waitingFor']) => (s: PromotionState) => s.state === 'waiting-approval' && s.waitingFor === what;

/** The refusal the update's validator threw: an ApplicationFailure of type PromotionRefused, with a message. */
async function refused(update: Promise<unknown>): Promise<string> {
  const err = await update.then(
    () => assert.fail('the update should be refused'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
  assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
  assert.equal(err.cause.type, failureTypes.promotionRefused);
  assert.ok(err.cause.message.length > 0);
  return err.cause.message;
}

function promotionDoubles(knobs: PromotionKnobs = {}) {
  return activityDoubles({ promotion: { previous, ...knobs } });
}

const called = (doubles: ReturnType<typeof activityDoubles>, activity: string) => doubles.inputsOf(activity).length;

describe('a promotion', () => {
  it('fails on unmet gates with their messages, before asking the target for authority', async () => {
    const platform = uniqueName('gates');
    const doubles = promotionDoubles({
      environments: new Map([
        [
          lifecycleWorkflowId(platform, 'dev'),
          {
            freight: { ...previous, deployedAt: new Date().toISOString() },
            verifiedFreight: [],
            healthySince: new Date().toISOString(),
            phase: 3,
          },
        ],
      ]),
    });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const policy = promotionSchema.parse({ from: ['dev'], verifiedIn: ['dev'], soak: '10m' });
      const result = await (await startPromotion(env.client, prefix, promotionInput(prefix, platform, policy))).result();
      assert.equal(result.state, 'failed');
      assert.match(result.message!, /has not passed verification in dev/);
      assert.match(result.message!, /soak/);
      assert.ok(result.gates.some((g) => !g.passed));
      assert.equal(called(doubles, 'beginPromotion'), 0);
      assert.equal(called(doubles, 'promoteRevision'), 0);
    });
  });

  it('takes two allowed approvals, then promotes, verifies and hands back with the freight verified', async () => {
    const platform = uniqueName('approved');
    const doubles = promotionDoubles();
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startPromotion(env.client, prefix, promotionInput(prefix, platform, prodPolicy()));
      await waitForPromotion(handle, waitingFor('promotion'));
      const first = await handle.executeUpdate(approvePromotionUpdate, { args: [{ approver: 'sre-lead', reason: 'dashboards green' }] });
      assert.equal(first.approvals.length, 1);
      assert.equal(first.state, 'waiting-approval');
      await handle.executeUpdate(approvePromotionUpdate, { args: [{ approver: 'security-lead' }] });
      const result = await handle.result();
      assert.equal(result.state, 'succeeded', result.message ?? '');
      assert.deepEqual(
        result.approvals.map((a) => `${a.approver} ${a.kind} ${a.for}`),
        ['sre-lead approve promotion', 'security-lead approve promotion'],
      );
      assert.equal(result.approvals[0]!.reason, 'dashboards green');
      assert.equal(result.verification?.phase, 'Successful');
      assert.deepEqual(result.previous, previous);
      assert.deepEqual(
        doubles.promotionInputs.map((c) => c.activity),
        ['environmentFreight', 'beginPromotion', 'promoteRevision', 'runVerification', 'endPromotion'],
      );
      assert.equal(doubles.inputsOf<{ revision: string }>('promoteRevision')[0]!.revision, newRevision);
      const [end] = doubles.inputsOf<{ request: { outcome: string; verified: boolean; freight: { id: string } } }>('endPromotion');
      assert.deepEqual(
        { ...end!.request, reason: undefined, promotionId: undefined },
        {
          promotionId: undefined,
          outcome: 'succeeded',
          freight: { id: freightId(newRevision), revision: newRevision },
          verified: true,
          reason: undefined,
        },
      );
    });
  });

  it('refuses approvals the policy does not allow, by update with a message and by signal, leaving the state as it was', async () => {
    const platform = uniqueName('refused');
    const doubles = promotionDoubles({ promoteDelayMs: 3_000 });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startPromotion(env.client, prefix, promotionInput(prefix, platform, prodPolicy(), 'release-lead'));
      const waiting = await waitForPromotion(handle, waitingFor('promotion'));
      const approve = (approver: string) => handle.executeUpdate(approvePromotionUpdate, { args: [{ approver }] });

      assert.match(await refused(approve('mallory')), /mallory/);
      assert.match(await refused(approve('release-lead')), /requester/);
      await approve('sre-lead');
      const once = await handle.query(promotionStateQuery);
      assert.match(await refused(approve('sre-lead')), /sre-lead/);
      assert.deepEqual(await handle.query(promotionStateQuery), once, 'a refused update changes nothing');
      assert.deepEqual(once.approvals.length, waiting.approvals.length + 1);

      await handle.signal(approvePromotionSignal, { approver: 'mallory' });
      const signalled = await waitForPromotion(handle, (s) => s.message !== once.message);
      assert.match(signalled.message!, /ignored approve signal: .*mallory/);
      assert.deepEqual({ ...signalled, message: null }, { ...once, message: null }, 'a refused signal changes nothing but the message');

      await approve('security-lead');
      await waitForPromotion(handle, (s) => s.state === 'promoting');
      assert.match(await refused(approve('security-lead')), /security-lead|not waiting/);
      assert.match(await refused(handle.executeUpdate(rejectPromotionUpdate, { args: [{ approver: 'sre-lead' }] })), /not waiting|already/);
      assert.equal((await handle.result()).state, 'succeeded');
    });
  });

  it('ends rejected on a rejection and expired when the window closes, without touching the target', async () => {
    const doubles = promotionDoubles();
    await withWorkers(env, doubles.zones, async (prefix) => {
      const rejected = await startPromotion(env.client, prefix, promotionInput(prefix, uniqueName('rejected'), prodPolicy()));
      await waitForPromotion(rejected, waitingFor('promotion'));
      await rejected.executeUpdate(rejectPromotionUpdate, { args: [{ approver: 'sre-lead', reason: 'freeze' }] });
      const expired = await startPromotion(env.client, prefix, promotionInput(prefix, uniqueName('expired'), prodPolicy('2s')));
      assert.equal((await rejected.result()).state, 'rejected');
      const late = await expired.result();
      assert.equal(late.state, 'expired');
      assert.match(late.message!, /expired/);
      assert.equal(called(doubles, 'beginPromotion'), 0);
      assert.equal(called(doubles, 'promoteRevision'), 0);
    });
  });

  it('waits at a paused canary for an approval, and resumes it', async () => {
    const doubles = promotionDoubles({ pausedAt: new Set([newRevision]) });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const policy = promotionSchema.parse({ from: ['dev'] });
      const handle = await startPromotion(env.client, prefix, promotionInput(prefix, uniqueName('canary'), policy));
      await waitForPromotion(handle, waitingFor('canary'));
      await handle.executeUpdate(approvePromotionUpdate, { args: [{ approver: 'sre-lead', reason: 'canary looks fine' }] });
      const result = await handle.result();
      assert.equal(result.state, 'succeeded', result.message ?? '');
      assert.equal(called(doubles, 'resumeRollouts'), 1);
      assert.equal(called(doubles, 'abortRollouts'), 0);
      assert.deepEqual(
        doubles.inputsOf<{ revision: string }>('promoteRevision').map((p) => p.revision),
        [newRevision, newRevision],
      );
    });
  });

  it('aborts a rejected canary and rolls back to the previous freight', async () => {
    const doubles = promotionDoubles({ pausedAt: new Set([newRevision]) });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const policy = promotionSchema.parse({ from: ['dev'] });
      const handle = await startPromotion(env.client, prefix, promotionInput(prefix, uniqueName('abort'), policy));
      await waitForPromotion(handle, waitingFor('canary'));
      await handle.executeUpdate(rejectPromotionUpdate, { args: [{ approver: 'sre-lead', reason: 'error rate' }] });
      const result = await handle.result();
      assert.equal(result.state, 'rejected');
      assert.equal(called(doubles, 'abortRollouts'), 1);
      assert.deepEqual(
        doubles.inputsOf<{ revision: string }>('promoteRevision').map((p) => p.revision),
        [newRevision, previous.revision],
      );
      const [end] = doubles.inputsOf<{ request: { outcome: string; freight: unknown; verified: boolean } }>('endPromotion');
      assert.deepEqual([end!.request.outcome, end!.request.freight, end!.request.verified], ['rejected', previous, false]);
    });
  });

  it('rolls back on failed verification, and asks the approvers on an inconclusive one', async () => {
    const doubles = promotionDoubles({ verdicts: ['Failed', 'Inconclusive'] });
    const policy = promotionSchema.parse({ from: ['dev'], verification: { analysisTemplates: ['smoke'] } });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const failed = await (await startPromotion(env.client, prefix, promotionInput(prefix, uniqueName('failed'), policy))).result();
      assert.equal(failed.state, 'failed');
      assert.match(failed.message!, /verification failed: AnalysisRun .* is Failed/);
      assert.deepEqual(
        doubles.inputsOf<{ revision: string }>('promoteRevision').map((p) => p.revision),
        [newRevision, previous.revision],
      );
      assert.deepEqual(
        doubles
          .inputsOf<{ request: { outcome: string; freight: unknown } }>('endPromotion')
          .map((e) => [e.request.outcome, e.request.freight]),
        [['failed', previous]],
      );

      const inconclusive = await startPromotion(env.client, prefix, promotionInput(prefix, uniqueName('inconclusive'), policy));
      await waitForPromotion(inconclusive, waitingFor('verification'));
      await inconclusive.executeUpdate(approvePromotionUpdate, { args: [{ approver: 'sre-lead', reason: 'metric server was down' }] });
      const accepted = await inconclusive.result();
      assert.equal(accepted.state, 'succeeded', accepted.message ?? '');
      assert.equal(accepted.verification?.phase, 'Inconclusive');
    });
  });

  it('after a failed verification, takes a Rollout that pauses on the way back to the previous freight all the way with promote-full', async () => {
    const doubles = promotionDoubles({ verdicts: ['Failed'], pausedAt: new Set([previous.revision]) });
    const policy = promotionSchema.parse({ from: ['dev'], verification: { analysisTemplates: ['smoke'] } });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const failed = await (await startPromotion(env.client, prefix, promotionInput(prefix, uniqueName('back'), policy))).result();
      assert.equal(failed.state, 'failed');
      assert.match(failed.message!, new RegExp(`; prod is back at ${previous.id} \\(${previous.revision}\\)$`));
      assert.equal(called(doubles, 'promoteRolloutsFully'), 1);
      assert.equal(called(doubles, 'resumeRollouts'), 0, 'no approval is asked for the way back');
      assert.deepEqual(
        doubles.inputsOf<{ revision: string }>('promoteRevision').map((p) => p.revision),
        [newRevision, previous.revision, previous.revision],
      );
    });
  });

  it('completes when approved after the worker that began it was stopped and another started', async () => {
    const doubles = promotionDoubles();
    const prefix = uniqueName('restart');
    const stopFirst = await startWorkers(env, doubles.zones, prefix);
    const handle = await startPromotion(env.client, prefix, promotionInput(prefix, uniqueName('restart'), prodPolicy()));
    await waitForPromotion(handle, waitingFor('promotion'));
    await handle.executeUpdate(approvePromotionUpdate, { args: [{ approver: 'sre-lead' }] });
    await stopFirst();
    const stopSecond = await startWorkers(env, doubles.zones, prefix);
    try {
      await handle.executeUpdate(approvePromotionUpdate, { args: [{ approver: 'security-lead' }] });
      const result = await handle.result();
      assert.equal(result.state, 'succeeded', result.message ?? '');
      assert.equal(called(doubles, 'beginPromotion'), 1);
      assert.equal(called(doubles, 'endPromotion'), 1);
    } finally {
      await stopSecond();
    }
  });
});

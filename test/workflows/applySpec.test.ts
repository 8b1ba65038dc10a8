import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { stackWorkflowId, type PlatformSpecInput } from '../../src/spec/index.js';
import { applySpecSignal, applySpecUpdate, resumeUpdate, specQuery, stateQuery, teardownUpdate } from '../../src/workflows/definitions.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import type { platformLifecycle } from '../../src/workflows/platformLifecycle.js';
import { activityDoubles, type ActivityCall } from '../support/doubles.js';
import { saveHistory } from '../support/histories.js';
import {
  continuedRun,
  deleteOrder,
  handoffs,
  startLifecycle,
  statuses,
  uniqueName,
  waitForState,
  withWorkers,
} from '../support/harness.js';
import { platformDocument } from '../support/specs.js';
import { startTemporal } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

type StackInput = PlatformSpecInput['spec']['stacks'][number];
type Lifecycle = WorkflowHandle<typeof platformLifecycle>;

/** base <- web <- edge, and a lone cache: the platform every apply changes. */
const running: StackInput[] = [
  { name: 'base' },
  { name: 'web', dependsOn: ['base'], source: { helm: { valuesObject: { replicas: 1 } } } },
  { name: 'edge', dependsOn: ['web'] },
  { name: 'cache' },
];

/** Adds queue (after base), changes web's values, removes edge; base and cache stay as they are. */
const changed: StackInput[] = [
  { name: 'base' },
  { name: 'web', dependsOn: ['base'], source: { helm: { valuesObject: { replicas: 2 } } } },
  { name: 'cache' },
  { name: 'queue', dependsOn: ['base'] },
];

function document(platform: string, stacks: StackInput[]): PlatformSpecInput {
  const head = platformDocument(platform, []);
  return { ...head, spec: { ...head.spec, stacks } };
}

/** Starts a run of `stacks` and waits for steady state. */
async function steadyRun(prefix: string, platform: string, stacks: StackInput[]): Promise<Lifecycle> {
  const handle = await startLifecycle(env.client, prefix, { spec: document(platform, stacks), environment: 'dev' });
  await waitForState(handle, (s) => s.phase.number === 3);
  return handle;
}

/** Asserts the update is refused with the failure type, its message matching. */
async function refused(handle: Lifecycle, request: unknown, type: string, message: RegExp): Promise<void> {
  await assert.rejects(handle.executeUpdate(applySpecUpdate, { args: [request as { spec: unknown }] }), (err: unknown) => {
    assert.ok(err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure, String(err));
    assert.equal(err.cause.type, type, err.cause.message);
    assert.match(err.cause.message, message);
    return true;
  });
}

/** Completed calls of `activity` after index `from` of the doubles' records, by stack, in order. */
const endedSince = (calls: ActivityCall[], from: number, activity: string) =>
  calls
    .slice(from)
    .filter((c) => c.activity === activity && c.phase === 'end')
    .map((c) => c.stack!);

/** The state of the run the workflow continued as after `runId`, once it is in phase 3. */
async function nextSteadyRun(handle: Lifecycle, runId: string) {
  await continuedRun(handle, runId);
  return waitForState(handle, (s) => s.phase.number === 3);
}

describe('applySpec on a run in steady state', () => {
  it('adds, changes and removes stacks in order, leaves the others alone, and continues as new with the new spec', async () => {
    const doubles = activityDoubles();
    await withWorkers(env, doubles.zones, async (prefix) => {
      const platform = uniqueName('apply');
      const handle = await steadyRun(prefix, platform, running);
      const { runId } = await handle.describe();
      const before = doubles.calls.length;
      const next = document(platform, changed);

      const plan = await handle.executeUpdate(applySpecUpdate, { args: [{ spec: next, requestedBy: 'alice', reason: 'weekly' }] });
      assert.deepEqual(plan, { added: ['queue'], changed: ['web'], removed: ['edge'], untouched: ['base', 'cache'] });

      const state = await nextSteadyRun(handle, runId);
      assert.deepEqual(
        state.stacks.map((s) => `${s.name} ${s.status}`),
        ['base healthy', 'web healthy', 'cache healthy', 'queue healthy'],
        'the new spec stacks, added ones appended, removed ones dropped',
      );
      assert.deepEqual(endedSince(doubles.calls, before, 'ensureApplication').sort(), ['queue', 'web'], 'untouched stacks get no child');
      assert.deepEqual(endedSince(doubles.calls, before, 'deleteApplication'), ['edge']);
      const lastDeploy = doubles.calls.map((c) => `${c.activity} ${c.phase}`).lastIndexOf('awaitApplicationHealthy end');
      const firstDelete = doubles.calls.findIndex((c) => c.activity === 'deleteApplication');
      assert.ok(lastDeploy < firstDelete, 'removed stacks go once the added and changed ones are healthy');

      assert.deepEqual(handoffs(state).slice(3), ['deployment->orchestration', 'orchestration->deployment']);
      assert.equal(state.ledger[3]!.reason, 'apply requested by alice (weekly): add queue; change web; remove edge');
      assert.equal(state.change?.status, 'applied');
      assert.deepEqual(
        state.changes?.map((c) => [c.requestedBy, c.status, c.plan.added]),
        [['alice', 'applied', ['queue']]],
      );
      assert.deepEqual(await handle.query(specQuery), next, 'the continued run deploys the new spec');

      // Children get their stack only, never the platform spec.
      const child = await env.client.workflow.getHandle(stackWorkflowId(platform, 'dev', 'queue')).fetchHistory();
      const payload = child.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
      const childInput = Buffer.from(payload ?? []).toString('utf8');
      assert.equal((JSON.parse(childInput) as { target: { stack: { name: string } } }).target.stack.name, 'queue');
      assert.doesNotMatch(childInput, /apiVersion|"stacks"/, 'no spec in the child input');

      const first = env.client.workflow.getHandle<typeof platformLifecycle>(handle.workflowId, runId);
      await saveHistory(first, 'apply');

      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      const final = await handle.result();
      assert.equal(final.outcome, 'torn-down');
      assert.deepEqual(statuses(final), { base: 'deleted', web: 'deleted', cache: 'deleted', queue: 'deleted' });
    });
  });

  it('refuses a cycle, a removed dependency, another platform, a malformed request and a run not in phase 3, changing nothing', async () => {
    const doubles = activityDoubles();
    await withWorkers(env, doubles.zones, async (prefix) => {
      const platform = uniqueName('refused');
      const handle = await steadyRun(prefix, platform, running);
      const before = await handle.query(stateQuery);
      const cyclic = running.map((s) => (s.name === 'base' ? { name: 'base', dependsOn: ['edge'] } : s));
      await refused(handle, { spec: document(platform, cyclic) }, failureTypes.invalidPlatformSpec, /spec\.stacks.*cycle|base -> .*base/s);
      await refused(
        handle,
        {
          spec: document(
            platform,
            running.filter((s) => s.name !== 'web'),
          ),
        },
        failureTypes.requestRefused,
        /edge depends on web/,
      );
      await refused(handle, { spec: document('other', running) }, failureTypes.requestRefused, /platform other, but this run deploys/);
      await refused(
        handle,
        { requestedBy: 'alice' },
        failureTypes.requestRefused,
        /invalid apply request: spec: must be the new platform spec/,
      );
      await refused(handle, { spec: { kind: 'Platform' } }, failureTypes.invalidPlatformSpec, /invalid platform spec:\n {2}apiVersion/);
      assert.deepEqual(await handle.query(stateQuery), before, 'a refused apply leaves the state as it was');
      assert.deepEqual(await handle.query(specQuery), document(platform, running));
      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      await refused(handle, { spec: document(platform, changed) }, failureTypes.requestRefused, /teardown|phase 4/);
      await handle.result();
    });
  });

  it('takes the applySpec signal as the update, ignoring one it would refuse', async () => {
    const doubles = activityDoubles();
    await withWorkers(env, doubles.zones, async (prefix) => {
      const platform = uniqueName('signalled');
      const handle = await steadyRun(prefix, platform, running);
      const { runId } = await handle.describe();
      await handle.signal(applySpecSignal, { spec: document('other', changed), requestedBy: 'mallory' });
      await handle.signal(applySpecSignal, { spec: document(platform, changed), requestedBy: 'carol' });
      const state = await nextSteadyRun(handle, runId);
      assert.deepEqual(
        state.changes?.map((c) => c.requestedBy),
        ['carol'],
        'only the signal for this platform was carried out',
      );
      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      assert.equal((await handle.result()).outcome, 'torn-down');
    });
  });

  it('parks when a new stack fails, refuses another apply meanwhile, and completes the change on resume', async () => {
    const failing = new Set(['queue']);
    const doubles = activityDoubles({ failing });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const platform = uniqueName('parked');
      const handle = await steadyRun(prefix, platform, running);
      const { runId } = await handle.describe();
      const withDependent = [...changed, { name: 'worker', dependsOn: ['queue'] }];
      await handle.executeUpdate(applySpecUpdate, { args: [{ spec: document(platform, withDependent), requestedBy: 'bob' }] });

      const parked = await waitForState(handle, (s) => s.change?.status === 'failed');
      assert.equal(parked.phase.number, 2);
      assert.equal(parked.authority.platform, 'orchestration');
      assert.equal(statuses(parked).queue, 'failed');
      assert.equal(statuses(parked).worker, 'blocked');
      assert.equal(statuses(parked).edge, 'healthy', 'nothing is removed while the new stacks are not all healthy');
      assert.match(parked.waitingFor ?? '', /resume after fixing queue/);
      await refused(
        handle,
        { spec: document(platform, running) },
        failureTypes.requestRefused,
        /another change is in flight \(apply requested by bob/,
      );

      failing.clear();
      await handle.executeUpdate(resumeUpdate, { args: [{ requestedBy: 'bob', reason: 'fixed the queue chart' }] });
      const state = await nextSteadyRun(handle, runId);
      assert.deepEqual(statuses(state), { base: 'healthy', web: 'healthy', cache: 'healthy', queue: 'healthy', worker: 'healthy' });
      assert.equal(state.change?.status, 'applied');
      assert.equal(state.stacks.find((s) => s.name === 'queue')!.attempts, 2, 'the resume deployed queue again');
      assert.deepEqual(deleteOrder(doubles.calls), ['edge']);

      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      assert.equal((await handle.result()).outcome, 'torn-down');
    });
  });

  it('tears down from a parked change, deleting the new stacks and the ones it would have removed', async () => {
    const doubles = activityDoubles({ failing: new Set(['queue']) });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const platform = uniqueName('parked-teardown');
      const handle = await steadyRun(prefix, platform, running);
      await handle.executeUpdate(applySpecUpdate, { args: [{ spec: document(platform, changed) }] });
      await waitForState(handle, (s) => s.change?.status === 'failed');
      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      const final = await handle.result();
      assert.equal(final.outcome, 'torn-down');
      assert.deepEqual(new Set(deleteOrder(doubles.calls)), new Set(['base', 'web', 'cache', 'queue', 'edge']));
      assert.ok(deleteOrder(doubles.calls).indexOf('edge') < deleteOrder(doubles.calls).indexOf('web'), 'edge before what it depends on');
    });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { abortUpdate, authorityHandoffSignal, resumeSignal, resumeUpdate, teardownUpdate } from '../../src/workflows/definitions.js';
import { defaultMaxParallelStacks } from '../../src/spec/index.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import { activityDoubles, degradedMessage, failedCheckReason } from '../support/doubles.js';
import { saveHistory } from '../support/histories.js';
import {
  deleteOrder,
  handoffs,
  nonRetryableFailure,
  startLifecycle,
  statuses,
  uniqueName,
  waitForState,
  wholeLifeHandoffs,
  withWorkers,
} from '../support/harness.js';
import { diamond, platformDocument, randomDag, twoBranches } from '../support/specs.js';
import { startTemporal } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

/** Each stack's health wait, as [start, end] times, from the doubles' records. */
function healthWindows(calls: ReturnType<typeof activityDoubles>['calls']): Map<string, { start: number; end: number }> {
  const windows = new Map<string, { start: number; end: number }>();
  for (const c of calls) {
    if (c.activity !== 'awaitApplicationHealthy' || !c.stack) continue;
    const w = windows.get(c.stack) ?? { start: c.at, end: Number.NaN };
    if (c.phase === 'start') w.start = c.at;
    else w.end = c.at;
    windows.set(c.stack, w);
  }
  return windows;
}

describe('platformLifecycle on the Temporal dev server', () => {
  it('takes a diamond through phases 0-3, records every handoff, and tears down in reverse order', async () => {
    const doubles = activityDoubles({ healthDelayMs: () => 200 });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, {
        spec: platformDocument(uniqueName('diamond'), diamond),
        environment: 'dev',
      });
      const steady = await waitForState(handle, (s) => s.phase.number === 3);
      assert.deepEqual(statuses(steady), { base: 'healthy', left: 'healthy', right: 'healthy', top: 'healthy' });
      assert.equal(steady.authority.platform, 'deployment');
      assert.equal(steady.credentialsRef, 'baton-system/baton-automation');

      const windows = healthWindows(doubles.calls);
      assert.ok(windows.get('base')!.end <= windows.get('left')!.start && windows.get('base')!.end <= windows.get('right')!.start);
      assert.ok(windows.get('left')!.end <= windows.get('top')!.start && windows.get('right')!.end <= windows.get('top')!.start);
      assert.ok(
        windows.get('left')!.start < windows.get('right')!.end && windows.get('right')!.start < windows.get('left')!.end,
        'left and right overlap',
      );

      await handle.executeUpdate(teardownUpdate, { args: [{ requestedBy: 'test', reason: 'end of test' }] });
      const final = await handle.result();
      assert.equal(final.outcome, 'torn-down');
      assert.equal(final.phase.number, 4);
      const deletes = deleteOrder(doubles.calls);
      assert.equal(deletes[0], 'top');
      assert.equal(deletes[3], 'base');
      assert.deepEqual(handoffs(final), wholeLifeHandoffs);
      assert.ok(final.ledger.every((e) => e.accepted && e.reason.length > 0 && !Number.isNaN(Date.parse(e.at))));
      await saveHistory(handle, 'diamond-lifecycle');
    });
  });

  it('deploys a 50-stack random DAG in dependency order, in parallel, never above the limit', async () => {
    const stacks = randomDag(50, 3, 7);
    const doubles = activityDoubles({ healthDelayMs: () => 50 });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, {
        spec: platformDocument(uniqueName('random'), stacks, { maxParallelStacks: 5 }),
        environment: 'dev',
      });
      await waitForState(handle, (s) => s.phase.number === 3, 120_000);
      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      await handle.result();
    });
    const windows = healthWindows(doubles.calls);
    for (const stack of stacks) {
      for (const dep of stack.dependsOn) {
        assert.ok(
          windows.get(dep)!.end <= windows.get(stack.name)!.start,
          `${stack.name} started before its dependency ${dep} was healthy`,
        );
      }
    }
    assert.ok(doubles.maxConcurrentHealthWaits() > 1, 'independent stacks overlap');
    assert.ok(doubles.maxConcurrentHealthWaits() <= 5, `at most 5 at once, saw ${doubles.maxConcurrentHealthWaits()}`);
  });

  it('deploys defaultMaxParallelStacks at once when the spec sets no limit', async () => {
    const stacks = Array.from({ length: defaultMaxParallelStacks + 8 }, (_, i) => ({ name: `s${i}` }));
    // Health waits long enough that the first 16 overlap in full on a busy machine.
    const doubles = activityDoubles({ healthDelayMs: () => 5_000 });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, { spec: platformDocument(uniqueName('wide'), stacks), environment: 'dev' });
      await waitForState(handle, (s) => s.phase.number === 3, 120_000);
      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      await handle.result();
    });
    assert.equal(doubles.maxConcurrentHealthWaits(), defaultMaxParallelStacks);
  });

  it('blocks exactly the dependents of a failing stack, shows the partial platform, and resumes without redeploying', async () => {
    const failing = new Set(['cert-manager']);
    const doubles = activityDoubles({ failing });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, {
        spec: platformDocument(uniqueName('partial'), twoBranches),
        environment: 'dev',
      });
      const partial = await waitForState(handle, (s) => s.waitingFor !== null && s.phase.number === 2);
      assert.deepEqual(statuses(partial), {
        crds: 'healthy',
        'cert-manager': 'failed',
        ingress: 'blocked',
        app: 'blocked',
        monitoring: 'healthy',
        dashboards: 'healthy',
      });
      const failed = partial.stacks.find((s) => s.name === 'cert-manager')!;
      assert.equal(failed.message, degradedMessage('cert-manager'), "the activity's own message reaches the stack");
      assert.equal(failed.attempts, 1);

      failing.clear();
      const answer = await handle.executeUpdate(resumeUpdate, { args: [{ requestedBy: 'oncall', reason: 'fixed the issuer' }] });
      assert.match(answer, /resume accepted/);
      const steady = await waitForState(handle, (s) => s.phase.number === 3);
      assert.ok(steady.stacks.every((s) => s.status === 'healthy'));
      assert.equal(steady.stacks.find((s) => s.name === 'cert-manager')!.attempts, 2);

      const ensured = doubles.completions('ensureApplication');
      for (const name of ['crds', 'monitoring', 'dashboards', 'ingress', 'app'])
        assert.equal(ensured.get(name), 1, `${name} deployed once`);
      assert.equal(ensured.get('cert-manager'), 2);

      await assert.rejects(
        handle.executeUpdate(resumeUpdate, { args: [{}] }),
        (err: unknown) =>
          err instanceof WorkflowUpdateFailedError &&
          err.cause instanceof ApplicationFailure &&
          err.cause.type === failureTypes.requestRefused,
        'nothing to resume in phase 3',
      );
      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      await handle.result();
      await saveHistory(handle, 'failure-and-resume');
    });
  });

  it('with failFast starts nothing new after a failure', async () => {
    const stacks = [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }, { name: 'slow' }, { name: 'after-slow', dependsOn: ['slow'] }];
    const doubles = activityDoubles({ failing: new Set(['a']), healthDelayMs: (s) => (s === 'slow' ? 1500 : 10) });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, {
        spec: platformDocument(uniqueName('failfast'), stacks, { failurePolicy: 'failFast' }),
        environment: 'dev',
      });
      const stopped = await waitForState(handle, (s) => s.waitingFor !== null);
      assert.deepEqual(statuses(stopped), { a: 'failed', b: 'blocked', slow: 'healthy', 'after-slow': 'pending' });
      await handle.terminate('end of test');
    });
  });

  it('on abort cancels the stacks being deployed, records them as aborted, starts nothing more, and ends the run', async () => {
    const doubles = activityDoubles({ healthDelayMs: (s) => (s === 'base' ? 10 : 60_000) });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, { spec: platformDocument(uniqueName('abort'), diamond), environment: 'dev' });
      await waitForState(handle, (s) => s.stacks.filter((st) => st.status === 'deploying').length === 2);
      // Abort once both children wait for health: an abort just as a child starts may not reach it (a race left open).
      const waitingForHealth = () =>
        new Set(doubles.calls.filter((c) => c.activity === 'awaitApplicationHealthy' && c.phase === 'start').map((c) => c.stack));
      while (!(waitingForHealth().has('left') && waitingForHealth().has('right'))) await new Promise((resolve) => setTimeout(resolve, 50));
      await handle.executeUpdate(abortUpdate, { args: [{ requestedBy: 'test', reason: 'wrong cluster' }] });
      const final = await handle.result();
      assert.equal(final.outcome, 'aborted');
      assert.deepEqual(statuses(final), { base: 'healthy', left: 'aborted', right: 'aborted', top: 'pending' });
      for (const name of ['left', 'right']) {
        const stack = final.stacks.find((s) => s.name === name)!;
        assert.equal(stack.message, null, `${name} has no failure to show`);
        assert.ok(stack.finishedAt !== null, `${name} records when it was cancelled`);
      }
      assert.equal(doubles.completions('ensureApplication').get('top'), undefined, 'top was never started');
    });
  });

  it('rejects forged handoffs and records them as rejected', async () => {
    const doubles = activityDoubles();
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, {
        spec: platformDocument(uniqueName('forged'), diamond),
        environment: 'dev',
      });
      await waitForState(handle, (s) => s.phase.number === 3);
      await handle.signal(authorityHandoffSignal, {
        concern: 'platform',
        from: 'deployment',
        to: 'orchestration',
        sender: 'mallory',
        reason: 'take over',
      });
      await handle.signal(authorityHandoffSignal, {
        concern: 'platform',
        from: 'bootstrap',
        to: 'orchestration',
        sender: handle.workflowId.replace(/lifecycle.*$/, 'x'),
        reason: 'stale',
      });
      const state = await waitForState(handle, (s) => s.ledger.filter((e) => !e.accepted).length === 2);
      assert.equal(state.authority.platform, 'deployment');
      const rejected = state.ledger.filter((e) => !e.accepted);
      assert.match(rejected[0]!.rejection!, /sender "mallory" does not speak for deployment/);
      assert.match(rejected[1]!.rejection!, /bootstrap does not hold platform authority \(deployment does\)/);
      await handle.terminate('end of test');
    });
  });

  it('parks a failed preflight in phase 0 with what to fix, and goes on after resume', async () => {
    const failingChecks = new Set(['nodes-ready']);
    const doubles = activityDoubles({ failingChecks });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, {
        spec: platformDocument(uniqueName('preflight'), diamond),
        environment: 'dev',
      });
      const parked = await waitForState(handle, (s) => s.error !== null);
      assert.equal(parked.phase.number, 0);
      assert.ok(parked.error!.includes(failedCheckReason('nodes-ready')), `the failed check is named: ${parked.error}`);
      assert.equal(parked.authority.platform, 'external');
      assert.equal(doubles.calls.filter((c) => c.activity === 'runPlaybook').length, 0, 'no bootstrap before preflight passes');
      failingChecks.clear();
      await handle.signal(resumeSignal, { requestedBy: 'test' });
      const steady = await waitForState(handle, (s) => s.phase.number === 3);
      assert.equal(steady.error, null);
      await handle.terminate('end of test');
    });
  });

  it('fails at once, non-retryable, on an invalid spec, naming the path', async () => {
    const doubles = activityDoubles();
    await withWorkers(env, doubles.zones, async (prefix) => {
      const spec = platformDocument(uniqueName('invalid'), [
        { name: 'a', dependsOn: ['b'] },
        { name: 'b', dependsOn: ['nope'] },
      ]);
      const handle = await startLifecycle(env.client, prefix, { spec, environment: 'dev' });
      const failure = await nonRetryableFailure(handle);
      assert.equal(failure.type, failureTypes.invalidPlatformSpec);
      const [issues] = failure.details as [{ keys: unknown[] }[]];
      assert.deepEqual(
        issues.map((i) => i.keys),
        [['spec', 'stacks', 1, 'dependsOn', 0]],
        'the one problem is located by its path',
      );
      assert.equal(doubles.calls.length, 0);
    });
  });
});

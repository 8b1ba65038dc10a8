import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resumeUpdate, teardownUpdate } from '../../src/workflows/definitions.js';
import { activityDoubles, type LiveApplication } from '../support/doubles.js';
import { saveHistory } from '../support/histories.js';
import { startLifecycle, statuses, uniqueName, waitForCall, waitForState, withWorkers } from '../support/harness.js';
import { diamond, platformDocument } from '../support/specs.js';
import { startTemporal } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

describe('phase 3: the drift and health watch', () => {
  it('records a drift and its recovery as Argo CD reports them, and a teardown cancels the watch at once', async () => {
    const liveApplications = new Map<string, LiveApplication>();
    const doubles = activityDoubles({ liveApplications });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, {
        spec: platformDocument(uniqueName('steady'), diamond),
        environment: 'dev',
        // Short watches, so one ends without changes during the test; a short heartbeat timeout, so a cancellation reaches the watch soon.
        timeouts: { steadyStateWatch: '3s', heartbeat: '1s' },
      });
      await waitForState(handle, (s) => s.phase.number === 3);

      const drift = 'Application left: Healthy/OutOfSync; Deployment left/left: OutOfSync';
      liveApplications.set('left', { sync: 'OutOfSync', health: 'Healthy', message: drift });
      const drifted = await waitForState(handle, (s) => s.steadyStateEvents.length === 1);
      const [event] = drifted.steadyStateEvents;
      assert.deepEqual({ ...event, at: undefined }, { stack: 'left', sync: 'OutOfSync', health: 'Healthy', message: drift, at: undefined });
      assert.ok(!Number.isNaN(Date.parse(event!.at)));
      assert.deepEqual(drifted.stacks.find((s) => s.name === 'left')!.live, { sync: 'OutOfSync', health: 'Healthy', since: event!.at });
      assert.deepEqual(
        statuses(drifted),
        { base: 'healthy', left: 'healthy', right: 'healthy', top: 'healthy' },
        'drift does not change what was deployed',
      );

      liveApplications.delete('left');
      const recovered = await waitForState(handle, (s) => s.steadyStateEvents.length === 2);
      assert.deepEqual(
        recovered.steadyStateEvents.map((e) => `${e.stack} ${e.health}/${e.sync}`),
        ['left Healthy/OutOfSync', 'left Healthy/Synced'],
      );
      assert.equal(recovered.stacks.find((s) => s.name === 'left')!.live?.sync, 'Synced');

      // Once a watch has ended without changes and the next one has started, teardown is asked for while it runs.
      const watchStarts = () => doubles.calls.filter((c) => c.activity === 'watchPlatformApplications' && c.phase === 'start');
      const startsSoFar = watchStarts().length;
      await waitForCall(doubles.calls, () => watchStarts().length > startsSoFar);
      const requested = Date.now();
      await handle.executeUpdate(teardownUpdate, { args: [{ requestedBy: 'test', reason: 'end of test' }] });
      const firstDelete = await waitForCall(doubles.calls, (c) => c.activity === 'deleteApplication' && c.at >= requested);
      assert.ok(firstDelete.at - requested < 2_000, `teardown started ${firstDelete.at - requested}ms after the request`);
      const cancelled = await waitForCall(doubles.calls, (c) => c.activity === 'watchPlatformApplications' && c.phase === 'cancelled');
      assert.ok(cancelled.at - requested < 2_500, `the watch ended ${cancelled.at - requested}ms after the request`);

      const final = await handle.result();
      assert.equal(final.outcome, 'torn-down');
      assert.equal(final.steadyStateEvents.length, 2);
      await saveHistory(handle, 'steady-state-watch');
    });
  });

  it('parks on a watch Argo CD refuses, with its reason as the error, and watches again after resume', async () => {
    const watchRefusal: { reason?: string } = {
      reason: 'Argo CD account "baton" lacks the permission for GET /api/v1/stream/applications',
    };
    const liveApplications = new Map<string, LiveApplication>();
    const doubles = activityDoubles({ watchRefusal, liveApplications });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, {
        spec: platformDocument(uniqueName('refused'), diamond),
        environment: 'dev',
      });
      const parked = await waitForState(handle, (s) => s.error !== null);
      assert.equal(parked.phase.number, 3);
      assert.ok(parked.error!.includes(watchRefusal.reason!), `the refusal is the run's error: ${parked.error}`);
      assert.match(parked.waitingFor!, /^resume/);

      delete watchRefusal.reason;
      await handle.executeUpdate(resumeUpdate, { args: [{ requestedBy: 'test', reason: 'granted the permission' }] });
      liveApplications.set('top', { sync: 'Synced', health: 'Degraded', message: 'Deployment top/top: Degraded (0/2 ready)' });
      const watching = await waitForState(handle, (s) => s.steadyStateEvents.length === 1);
      assert.equal(watching.error, null);
      assert.equal(watching.waitingFor, 'teardown request');
      assert.equal(watching.steadyStateEvents[0]!.health, 'Degraded');
      await handle.terminate('end of test');
    });
  });
});

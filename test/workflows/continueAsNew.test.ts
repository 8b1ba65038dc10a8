import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { describeRequest } from '../../src/workflows/control.js';
import { stateQuery, teardownUpdate } from '../../src/workflows/definitions.js';
import type { platformLifecycle } from '../../src/workflows/platformLifecycle.js';
import { activityDoubles, type LiveApplication } from '../support/doubles.js';
import { saveHistory } from '../support/histories.js';
import {
  deleteOrder,
  handoffs,
  startLifecycle,
  statuses,
  uniqueName,
  waitForCall,
  waitForState,
  wholeLifeHandoffs,
  withWorkers,
} from '../support/harness.js';
import { diamond, platformDocument } from '../support/specs.js';
import { startTemporal } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

/** Waits until the workflow's current run is no longer its first; returns a handle on that first run. */
async function firstRunOnceContinued(handle: WorkflowHandleWithFirstExecutionRunId<typeof platformLifecycle>, limitMs = 30_000) {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if ((await handle.describe()).runId !== handle.firstExecutionRunId) {
      return env.client.workflow.getHandle<typeof platformLifecycle>(handle.workflowId, handle.firstExecutionRunId);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${handle.workflowId} did not continue as new within ${limitMs}ms`);
}

const drift: LiveApplication = {
  sync: 'OutOfSync',
  health: 'Healthy',
  message: 'Application left: Healthy/OutOfSync; Deployment left/left: OutOfSync',
};

describe('phase 3 continues as new', () => {
  it('carries the ledger, the stacks, their live status and the steady-state events into the next run, which tears down', async () => {
    // Drifted from the start: the first watch reports it, the second sees nothing new, and the run continues as new.
    const liveApplications = new Map([['left', drift]]);
    const doubles = activityDoubles({ liveApplications });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, {
        spec: platformDocument(uniqueName('carried'), diamond),
        environment: 'dev',
        continueAsNewAfterWatches: 2,
        timeouts: { steadyStateWatch: '1s', heartbeat: '1s' },
      });
      const first = await firstRunOnceContinued(handle);
      const history = await first.fetchHistory();
      assert.ok(
        history.events?.some((e) => e.workflowExecutionContinuedAsNewEventAttributes),
        'the first run ended by continuing as new',
      );
      await saveHistory(first, 'continue-as-new');

      const handedOver = await first.query(stateQuery);
      assert.deepEqual(
        handedOver.steadyStateEvents.map((e) => `${e.stack} ${e.health}/${e.sync}`),
        ['left Healthy/OutOfSync'],
      );
      const carried = await handle.query(stateQuery);
      for (const part of [
        'workflowId',
        'startedAt',
        'phase',
        'authority',
        'holderIds',
        'credentialsRef',
        'ledger',
        'stacks',
        'steadyStateEvents',
      ] as const) {
        assert.deepEqual(carried[part], handedOver[part], `${part} survives continue-as-new`);
      }
      assert.equal(carried.stacks.find((s) => s.name === 'left')!.live?.sync, 'OutOfSync');
      assert.equal(carried.waitingFor, 'teardown request');

      // The next run watches from the carried live status: the drift is not news, its undoing is.
      liveApplications.delete('left');
      const recovered = await waitForState(handle, (s) => s.steadyStateEvents.length === 2);
      assert.deepEqual(
        recovered.steadyStateEvents.map((e) => `${e.stack} ${e.health}/${e.sync}`),
        ['left Healthy/OutOfSync', 'left Healthy/Synced'],
      );
      assert.ok((await handle.describe()).runId !== handle.firstExecutionRunId);

      await handle.executeUpdate(teardownUpdate, { args: [{ requestedBy: 'test', reason: 'end of test' }] });
      const final = await handle.result();
      assert.equal(final.outcome, 'torn-down');
      assert.deepEqual(statuses(final), { base: 'deleted', left: 'deleted', right: 'deleted', top: 'deleted' });
      const deletes = deleteOrder(doubles.calls);
      assert.equal(deletes[0], 'top');
      assert.equal(deletes[3], 'base');
      assert.deepEqual(handoffs(final), wholeLifeHandoffs);
      assert.equal(doubles.completions('ensureApplication').size, 4, 'no stack is deployed again by a continued run');
      assert.ok([...doubles.completions('ensureApplication').values()].every((n) => n === 1));
    });
  });

  it('answers an update that arrives as the run continues as new, and acts on it', async () => {
    const doubles = activityDoubles();
    await withWorkers(env, doubles.zones, async (prefix) => {
      // A run a second: every watch ends one run and starts the next.
      const handle = await startLifecycle(env.client, prefix, {
        spec: platformDocument(uniqueName('racing'), diamond),
        environment: 'dev',
        continueAsNewAfterWatches: 1,
        timeouts: { steadyStateWatch: '1s', heartbeat: '1s' },
      });
      await firstRunOnceContinued(handle);
      const watchEnds = () => doubles.calls.filter((c) => c.activity === 'watchPlatformApplications' && c.phase === 'end').length;
      const endsSoFar = watchEnds();
      // The moment a watch ends its run decides to continue as new: the teardown request arrives then.
      await waitForCall(doubles.calls, () => watchEnds() > endsSoFar);
      const request = { requestedBy: 'test', reason: 'sent as the run continues' };
      // Resolves only once a run has accepted and completed the update: none was lost with a run that continued.
      await handle.executeUpdate(teardownUpdate, { args: [request] });
      const final = await handle.result();
      assert.equal(final.outcome, 'torn-down');
      assert.equal(final.ledger.at(3)?.reason, describeRequest('teardown', request), 'the request reached the run that tore down');
    });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PlatformSpecInput } from '../../src/spec/index.js';
import { applySpecUpdate, teardownUpdate } from '../../src/workflows/definitions.js';
import { appliedChangeLimit } from '../../src/workflows/state.js';
import { activityDoubles } from '../support/doubles.js';
import { continuedRun, firstTaskCompleted, startLifecycle, uniqueName, waitForState, withWorkers } from '../support/harness.js';
import { platformDocument } from '../support/specs.js';
import { startTemporal } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

const applies = 100;
const historyLimit = 10_000;

/** base and web, web's values carrying `revision`: each apply changes web alone. */
function revision(platform: string, n: number): PlatformSpecInput {
  const head = platformDocument(platform, []);
  const stacks = [{ name: 'base' }, { name: 'web', dependsOn: ['base'], source: { helm: { valuesObject: { revision: n } } } }];
  return { ...head, spec: { ...head.spec, stacks } };
}

describe('bounded history', () => {
  it(`keeps every run of a platform changed ${applies} times under ${historyLimit} events`, async (t) => {
    const doubles = activityDoubles({ healthDelayMs: () => 0 });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const platform = uniqueName('bounded');
      const handle = await startLifecycle(env.client, prefix, { spec: revision(platform, 0), environment: 'dev' });
      await waitForState(handle, (s) => s.phase.number === 3);
      let { runId } = await handle.describe();
      for (let n = 1; n <= applies; n++) {
        const plan = await handle.executeUpdate(applySpecUpdate, { args: [{ spec: revision(platform, n), requestedBy: 'test' }] });
        assert.deepEqual(plan.changed, ['web']);
        // The next run begins in phase 3: once the server has it, it takes the next apply. Asking the server spares the worker.
        runId = await continuedRun(handle, runId);
      }
      await firstTaskCompleted(handle);
      const final = await waitForState(handle, (s) => s.phase.number === 3, 60_000);
      assert.equal(final.ledger.length, 3 + 2 * applies, 'every change handed authority away and back');
      assert.equal(final.changes?.length, appliedChangeLimit, 'the state keeps the latest changes only');
      assert.equal(doubles.completions('ensureApplication').get('base'), 1, 'base never deployed again');
      assert.equal(doubles.completions('ensureApplication').get('web'), applies + 1);

      // Every run of the chain, first to current, following each continue-as-new.
      const eventCounts: number[] = [];
      for (let runId: string | undefined = handle.firstExecutionRunId; runId;) {
        const history: temporal.api.history.v1.IHistory = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
        const events = history.events ?? [];
        eventCounts.push(events.length);
        runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      }
      t.diagnostic(`${eventCounts.length} runs; events per run: max ${Math.max(...eventCounts)}, first ${eventCounts[0]}`);
      assert.ok(eventCounts.length > applies, `continued as new after each apply: ${eventCounts.length} runs`);
      for (const [i, count] of eventCounts.entries()) assert.ok(count < historyLimit, `run ${i} has ${count} events`);

      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      assert.equal((await handle.result()).outcome, 'torn-down');
    });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resumeUpdate, teardownUpdate } from '../../src/workflows/definitions.js';
import { stackWorkflowId } from '../../src/spec/index.js';
import { activityDoubles } from '../support/doubles.js';
import { startLifecycle, uniqueName, waitForState, withWorkers } from '../support/harness.js';
import { diamond, platformDocument } from '../support/specs.js';
import { startTemporal } from '../support/temporal.js';

/** On 2 shared cores a stack's deploy with doubles takes seconds, not milliseconds. */
const loadedLimitMs = 120_000;

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

/** The summaries a run's history gives its activities and children, in the order they were scheduled. */
async function summaries(handle: WorkflowHandle): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).flatMap((e) => {
    const summary = e.userMetadata?.summary;
    return summary ? [defaultPayloadConverter.fromPayload<string>(summary as Payload)] : [];
  });
}

/** What the Temporal UI shows as the run's current details: the SDK's built-in metadata query. */
async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const metadata = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
  return metadata.currentDetails;
}

describe('what the Temporal UI shows of a lifecycle run', () => {
  it('summarises every child and activity, and keeps the current details in step with the state', async () => {
    const failing = new Set(['left']);
    const doubles = activityDoubles({ failing });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const platform = uniqueName('meta');
      const handle = await startLifecycle(env.client, prefix, { spec: platformDocument(platform, diamond), environment: 'dev' });

      await waitForState(handle, (s) => s.waitingFor !== null && s.stacks.some((x) => x.status === 'failed'), loadedLimitMs);
      const parked = await currentDetails(handle);
      assert.match(parked, /^\*\*Phase 2 \(orchestration\)\*\* · authority: \*\*orchestration\*\* · running$/m);
      assert.match(parked, /^Waiting for: resume after fixing left, or teardown or abort$/m);
      assert.match(parked, /^- failed \(1\): left$/m);
      assert.match(parked, /^- blocked \(1\): top$/m);
      assert.match(parked, /^- healthy \(2\): base, right$/m);

      failing.clear();
      await handle.executeUpdate(resumeUpdate, { args: [{ requestedBy: 'test' }] });
      await waitForState(handle, (s) => s.phase.number === 3, loadedLimitMs);
      // The details follow the state without a query of it: the metadata query alone shows phase 3.
      const deadline = Date.now() + 10_000;
      let steady = await currentDetails(handle);
      while (!steady.startsWith('**Phase 3') && Date.now() < deadline) steady = await currentDetails(handle);
      assert.match(steady, /^\*\*Phase 3 \(steady-state\)\*\* · authority: \*\*deployment\*\* · running$/m);
      assert.match(steady, /^Waiting for: teardown request$/m);
      assert.match(steady, /^- healthy \(4\): base, left, right, top$/m);

      const parent = await summaries(handle);
      for (const expected of [
        'preflight checks of in-cluster',
        'bootstrap: install',
        'deploy stack base',
        'deploy stack left',
        'deploy stack top',
      ])
        assert.ok(parent.includes(expected), `${expected} among ${JSON.stringify(parent)}`);
      const watchDeadline = Date.now() + 10_000;
      while (!(await summaries(handle)).includes('watch 4 Applications') && Date.now() < watchDeadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      assert.ok((await summaries(handle)).includes('watch 4 Applications'), 'the steady-state watch is summarised');

      // A child's own page says what it is (its static summary, on its first event too), and its activities what each does.
      const stack = env.client.workflow.getHandle(stackWorkflowId(platform, 'dev', 'base'));
      assert.equal(await (await stack.describe()).staticSummary(), 'deploy stack base');
      assert.deepEqual(await summaries(stack), [
        'deploy stack base',
        'upsert Application of base',
        'sync base',
        'wait for base Healthy and Synced',
      ]);

      await handle.executeUpdate(teardownUpdate, { args: [{ requestedBy: 'test', reason: 'end of test' }] });
      assert.equal((await handle.result()).outcome, 'torn-down');
      const all = await summaries(handle);
      for (const expected of ['delete stack top', 'delete stack base', 'bootstrap: teardown'])
        assert.ok(all.includes(expected), `${expected} among ${JSON.stringify(all)}`);
    });
  });
});

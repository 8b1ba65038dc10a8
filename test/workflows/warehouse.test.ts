import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { freightId, type Freight } from '../../src/promotion/freight.js';
import { promotionWorkflowId, warehouseWorkflowId } from '../../src/promotion/names.js';
import type { PromotionState } from '../../src/promotion/state.js';
import { lifecycleWorkflowId } from '../../src/spec/index.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import { freightQuery, requestPromotionUpdate } from '../../src/workflows/promotionDefinitions.js';
import { workflowTaskQueue } from '../../src/workflows/taskQueues.js';
import { freightWarehouse } from '../../src/workflows/warehouse.js';
import type { WarehouseInput } from '../../src/workflows/warehouseInput.js';
import { activityDoubles } from '../support/doubles.js';
import { continuedRun, uniqueName, withWorkers } from '../support/harness.js';
import { platformDocument } from '../support/specs.js';
import { startTemporal } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

/** dev takes new freight by itself; prod takes it by itself once it is verified in dev. */
function promotedPlatform(name: string) {
  const document = platformDocument(name, [{ name: 'app' }]);
  const environments = [
    { name: 'dev', promotion: { auto: true } },
    { name: 'prod', cluster: 'prod', promotion: { auto: true, from: ['dev'], verifiedIn: ['dev'] } },
  ];
  return { ...document, spec: { ...document.spec, environments } };
}

function startWarehouse(client: Client, prefix: string, platform: string, extra: Partial<WarehouseInput> = {}) {
  return client.workflow.start(freightWarehouse, {
    taskQueue: workflowTaskQueue(prefix),
    workflowId: warehouseWorkflowId(platform),
    args: [
      {
        spec: promotedPlatform(platform),
        pollInterval: '1s',
        taskQueuePrefix: prefix,
        promotionTimeouts: { promote: '10s', verification: '10s', call: '5s', heartbeat: '2s' },
        ...extra,
      },
    ],
  });
}

async function waitForFreight(handle: WorkflowHandle, count: number, limitMs = 20_000): Promise<Freight[]> {
  const deadline = Date.now() + limitMs;
  let freight: Freight[] = [];
  while (Date.now() < deadline) {
    freight = await handle.query(freightQuery).catch(() => freight);
    if (freight.length >= count) return freight;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${count} freight not found within ${limitMs}ms; found ${JSON.stringify(freight)}`);
}

/** The final state of a promotion the warehouse started, once it exists and completes. */
async function promotionResult(client: Client, workflowId: string, limitMs = 20_000): Promise<PromotionState> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      return (await client.workflow.getHandle(workflowId).result()) as PromotionState;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('the freight warehouse', () => {
  it('makes a new commit freight, promotes it to dev by itself, and to prod once dev has verified it', async () => {
    const platform = uniqueName('warehouse');
    const revision = 'd'.repeat(40);
    const id = freightId(revision);
    // What dev's lifecycle run reports once the dev promotion's endPromotion has recorded the verification.
    const at = new Date().toISOString();
    const dev = { freight: { id, revision, deployedAt: at }, verifiedFreight: [{ freight: id, at }], healthySince: at, phase: 3 };
    const environments = new Map([[lifecycleWorkflowId(platform, 'dev'), dev]]);
    const doubles = activityDoubles({ promotion: { branch: { revision }, environments } });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startWarehouse(env.client, prefix, platform);
      const [freight] = await waitForFreight(handle, 1);
      assert.deepEqual({ ...freight, createdAt: undefined }, { id, revision, images: [], createdAt: undefined });
      const toDev = await promotionResult(env.client, promotionWorkflowId(platform, id, 'dev'));
      assert.equal(toDev.state, 'succeeded', toDev.message ?? '');
      assert.equal(toDev.requestedBy, warehouseWorkflowId(platform));
      const prod = await promotionResult(env.client, promotionWorkflowId(platform, id, 'prod'));
      assert.equal(prod.state, 'succeeded', prod.message ?? '');
      assert.deepEqual(
        doubles.inputsOf<{ environment: string; revision: string }>('promoteRevision').map((p) => `${p.environment} ${p.revision}`),
        [`dev ${revision}`, `prod ${revision}`],
      );
      await handle.terminate('end of test');
    });
  });

  it('refuses a promotion request to an environment the spec does not declare', async () => {
    const platform = uniqueName('request');
    const doubles = activityDoubles({ promotion: { branch: { revision: 'e'.repeat(40) } } });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startWarehouse(env.client, prefix, platform);
      await waitForFreight(handle, 1);
      const err = await handle.executeUpdate(requestPromotionUpdate, { args: [{ environment: 'qa', requestedBy: 'bob' }] }).then(
        () => assert.fail('the request should be refused'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.type, failureTypes.promotionRefused);
      assert.match(err.cause.message, /no environment "qa"/);
      await handle.terminate('end of test');
    });
  });

  it('keeps its freight when it continues as new', async () => {
    const platform = uniqueName('carried');
    const branch = { revision: '1'.repeat(40) };
    const doubles = activityDoubles({ promotion: { branch } });
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startWarehouse(env.client, prefix, platform, { continueAsNewAfterPolls: 2 });
      const firstRun = handle.firstExecutionRunId;
      await waitForFreight(handle, 1);
      branch.revision = '2'.repeat(40);
      await continuedRun(handle, firstRun);
      const freight = await waitForFreight(env.client.workflow.getHandle(handle.workflowId), 2);
      assert.deepEqual(
        freight.map((f) => f.revision),
        ['1'.repeat(40), '2'.repeat(40)],
      );
      await env.client.workflow.getHandle(handle.workflowId).terminate('end of test');
    });
  });
});

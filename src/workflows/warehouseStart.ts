import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { log, ParentClosePolicy, startChild } from '@temporalio/workflow';
import { warehouseWorkflowId } from '../promotion/names.js';
import type { PlatformSpec } from '../spec/index.js';
import { freightWarehouse } from './warehouse.js';

/**
 * Starts the platform's warehouse when its spec declares promotion settings, on its own (ABANDON: it
 * serves every environment's run, and outlives each); one already running is left as it is.
 */
export async function ensureWarehouse(spec: PlatformSpec, environment: string, taskQueuePrefix: string): Promise<void> {
  if (!spec.spec.environments.some((e) => e.promotion)) return;
  const workflowId = warehouseWorkflowId(spec.metadata.name);
  try {
    await startChild(freightWarehouse, {
      workflowId,
      staticSummary: `freight warehouse of ${spec.metadata.name}`,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ spec, taskQueuePrefix }],
    });
    log.info(`the ${environment} run started the warehouse ${workflowId}`);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { Freight } from '../promotion/freight.js';
import { promotionWorkflowId } from '../promotion/names.js';
import { lifecycleWorkflowId, resolveEnvironment, type PlatformSpec } from '../spec/index.js';
import { promotion } from './promotion.js';
import type { PromotionTimeouts } from './promotionInput.js';

export interface PromotionStart {
  spec: PlatformSpec;
  environment: string;
  freight: Freight;
  requestedBy: string;
  taskQueuePrefix: string;
  timeouts: PromotionTimeouts;
}

/**
 * Starts the promotion of freight to an environment with promotion settings, on its own (it outlives the
 * warehouse's run), and returns its id. One that is running already is the one asked for: its id is returned.
 */
export async function startPromotion(start: PromotionStart): Promise<string> {
  const { spec, environment, freight, requestedBy, taskQueuePrefix, timeouts } = start;
  const platform = spec.metadata.name;
  const policy = spec.spec.environments.find((e) => e.name === environment)?.promotion;
  if (!policy) throw new Error(`environment ${environment} of ${platform} has no promotion settings`);
  const workflowId = promotionWorkflowId(platform, freight.id, environment);
  try {
    await startChild(promotion, {
      workflowId,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [
        {
          platform,
          environment,
          freight,
          requestedBy,
          policy,
          repoURL: spec.spec.source.repoURL,
          cluster: resolveEnvironment(spec, environment).cluster,
          lifecycleWorkflowId: lifecycleWorkflowId(platform, environment),
          taskQueuePrefix,
          timeouts,
        },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return workflowId;
}

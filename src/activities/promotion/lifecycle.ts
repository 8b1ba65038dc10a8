import { activityInfo } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { EnvironmentFreight } from '../../promotion/gates.js';
import { beginPromotionUpdate, endPromotionUpdate, stateQuery } from '../../workflows/definitions.js';
import { failureTypes } from '../../workflows/failureTypes.js';
import type { LifecycleState } from '../../workflows/state.js';
import { heartbeating } from '../heartbeat.js';
import type { PromotionActivities } from '../interfaces.js';

/** Since when every stack has been Healthy (the latest of their turns to Healthy), or null while one is not. */
function healthySince(state: LifecycleState): string | null {
  let since: string | null = null;
  for (const stack of state.stacks) {
    const at = stack.live
      ? stack.live.health === 'Healthy'
        ? stack.live.since
        : null
      : stack.status === 'healthy'
        ? stack.healthyAt
        : null;
    if (!at) return null;
    if (!since || at > since) since = at;
  }
  return since;
}

/** A refused update or a run that does not exist fails the promotion for good with the run's own message. */
function refusal(workflowId: string, update: string, err: unknown): Error {
  if (err instanceof WorkflowNotFoundError)
    return ApplicationFailure.nonRetryable(
      `no lifecycle run ${workflowId} to ${update}: deploy the environment first`,
      failureTypes.promotionRefused,
    );
  if (err instanceof WorkflowUpdateFailedError)
    return ApplicationFailure.nonRetryable(
      `lifecycle run ${workflowId} refused ${update}: ${(err.cause as Error | undefined)?.message ?? err.message}`,
      failureTypes.promotionRefused,
    );
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * The id of a promotion's begin or end update: one per promotion run, so a retried attempt gets the answer of the
 * one Temporal took, while a later promotion of the same freight to the same environment (a new run of the same
 * workflow id) is a new update and not the earlier one's answer.
 */
function updateIdOf(step: 'begin' | 'end', promotionId: string): string {
  const runId = activityInfo().workflowExecution?.runId;
  if (!runId) throw new Error(`${step}Promotion of ${promotionId} runs only as an activity of the promotion workflow`);
  return `${step}-${promotionId}-${runId}`;
}

/** The promotion's calls on the target environment's lifecycle run, through the worker's Temporal client. */
export function lifecycleActivities(client: Client): Pick<PromotionActivities, 'environmentFreight' | 'beginPromotion' | 'endPromotion'> {
  return {
    async environmentFreight({ workflowId }): Promise<EnvironmentFreight> {
      const state = await heartbeating(`asking ${workflowId} for its freight`, () =>
        client.workflow
          .getHandle(workflowId)
          .query(stateQuery)
          .catch((err: unknown) => {
            throw refusal(workflowId, 'report its freight', err);
          }),
      );
      return {
        freight: state.freight ?? null,
        verifiedFreight: state.verifiedFreight ?? [],
        healthySince: healthySince(state),
        phase: state.phase.number,
      };
    },
    beginPromotion: ({ workflowId, request }) =>
      heartbeating(`handing ${workflowId} to promotion ${request.promotionId}`, () =>
        client.workflow
          .getHandle(workflowId)
          .executeUpdate(beginPromotionUpdate, { args: [request], updateId: updateIdOf('begin', request.promotionId) })
          .catch((err: unknown) => {
            throw refusal(workflowId, `beginPromotion of ${request.promotionId}`, err);
          }),
      ),
    endPromotion: ({ workflowId, request }) =>
      heartbeating(`handing ${workflowId} back from promotion ${request.promotionId}`, () =>
        client.workflow
          .getHandle(workflowId)
          .executeUpdate(endPromotionUpdate, { args: [request], updateId: updateIdOf('end', request.promotionId) })
          .catch((err: unknown) => {
            throw refusal(workflowId, `endPromotion of ${request.promotionId}`, err);
          }),
      ),
  };
}

import { log } from '@temporalio/activity';
import type { ArgoCdClient } from '../argocd/client.js';
import { guarded } from '../argocd/errors.js';
import { runResourceAction, type RolloutAction } from '../argocd/resourceActions.js';
import { cancellationSignal, heartbeating } from '../heartbeat.js';
import type { PausedRollout, PromotionActivities } from '../interfaces.js';

/** Runs an Argo CD resource action on each Rollout, one after the other; Argo CD's refusal names the Application and the Rollout. */
async function runOnEach(client: ArgoCdClient, action: RolloutAction, rollouts: PausedRollout[]): Promise<void> {
  for (const rollout of rollouts) {
    await heartbeating(`${action} of Rollout ${rollout.namespace}/${rollout.name} in ${rollout.application}`, () =>
      guarded(client, () =>
        runResourceAction(
          client,
          {
            application: rollout.application,
            group: 'argoproj.io',
            kind: 'Rollout',
            name: rollout.name,
            namespace: rollout.namespace,
            action,
          },
          cancellationSignal(),
        ),
      ),
    );
    log.info(`Rollout ${action} sent through Argo CD`, { ...rollout });
  }
}

export function rolloutActivities(
  client: ArgoCdClient,
): Pick<PromotionActivities, 'resumeRollouts' | 'abortRollouts' | 'promoteRolloutsFully'> {
  return {
    resumeRollouts: ({ rollouts }) => runOnEach(client, 'resume', rollouts),
    abortRollouts: ({ rollouts }) => runOnEach(client, 'abort', rollouts),
    promoteRolloutsFully: ({ rollouts }) => runOnEach(client, 'promote-full', rollouts),
  };
}

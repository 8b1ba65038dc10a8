import { setTimeout } from 'node:timers/promises';
import { log } from '@temporalio/activity';
import type { ArgoCdClient } from '../argocd/client.js';
import { guarded } from '../argocd/errors.js';
import { applicationRollouts, runResourceAction, type RolloutAction } from '../argocd/resourceActions.js';
import { applicationSchema } from '../argocd/schemas.js';
import { cancellationSignal, heartbeating } from '../heartbeat.js';
import type { PausedRollout, PromotionActivities } from '../interfaces.js';

/**
 * How long an action waits for Argo CD to stop reporting the paused Rollout Suspended. Argo CD reads the Rollout's
 * health anew only when its controller sees the change, so a promotion that looked right after a resume would find
 * the pause it had just ended. A canary that pauses again at its next step within this time is Suspended for good
 * reason: the wait ends at the limit and the next look sees that pause.
 */
const actionSeenWithinMs = 30_000;
const pollMs = 500;

/** Runs an Argo CD resource action on each Rollout, one after the other; Argo CD's refusal names the Application and the Rollout. */
async function runOnEach(client: ArgoCdClient, action: RolloutAction, rollouts: PausedRollout[]): Promise<void> {
  for (const rollout of rollouts) {
    await heartbeating(`${action} of Rollout ${rollout.namespace}/${rollout.name} in ${rollout.application}`, () =>
      guarded(client, async () => {
        await runResourceAction(
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
        );
        log.info(`Rollout ${action} sent through Argo CD`, { ...rollout });
        if (!(await untilNotSuspended(client, rollout)))
          log.warn(`Argo CD still reports Rollout ${rollout.namespace}/${rollout.name} Suspended ${actionSeenWithinMs} ms after ${action}`);
      }),
    );
  }
}

/** True once Argo CD reports the Rollout other than Suspended, false when the limit passes first. */
async function untilNotSuspended(client: ArgoCdClient, rollout: PausedRollout): Promise<boolean> {
  const deadline = Date.now() + actionSeenWithinMs;
  const signal = cancellationSignal();
  for (;;) {
    const app = await client.call('GET', `/api/v1/applications/${encodeURIComponent(rollout.application)}`, applicationSchema, { signal });
    const seen = applicationRollouts(app).find((r) => r.name === rollout.name && r.namespace === rollout.namespace);
    if (seen?.health !== 'Suspended') return true;
    if (Date.now() >= deadline) return false;
    await setTimeout(pollMs, undefined, { signal });
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

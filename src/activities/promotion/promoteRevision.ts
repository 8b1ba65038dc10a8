import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { formatDuration } from '../../spec/duration.js';
import { managedSelector, stackLabel } from '../../spec/labels.js';
import { failureTypes } from '../../workflows/failureTypes.js';
import { deadlineSignal, heartbeatWhile } from '../heartbeat.js';
import type { PausedRollout, PromotionActivities } from '../interfaces.js';
import type { ArgoCdClient } from '../argocd/client.js';
import { ArgoCdApiError, guarded } from '../argocd/errors.js';
import { followApplication } from '../argocd/follow.js';
import { assessApplication, describeStatus } from '../argocd/health.js';
import { applicationSchema, type Application } from '../argocd/schemas.js';
import {
  applicationListSchema,
  atRevision,
  promoted,
  sourcePositions,
  specAtRevision,
  targetsRevision,
  type PromotedApplication,
} from './promotedApplication.js';

type PromoteInput = Parameters<PromotionActivities['promoteRevision']>[0];
type AppOutcome = { healthy: true } | { paused: PausedRollout[] };

/** How long a promotion waits for its Applications when the workflow gives no timeout. */
const defaultTimeoutMs = 10 * 60_000;

/**
 * Sets the environment's Applications that take a source from the platform repository to a revision, through
 * Argo CD's API (the Application spec, then a sync at it), and waits until each is Synced there and Healthy, or
 * a Rollout in it pauses (Argo CD reports it Suspended). Running it again at the same revision only waits.
 */
export function promoteRevisionActivity(client: ArgoCdClient): PromotionActivities['promoteRevision'] {
  return async function promoteRevision({ platform, environment, revision, repoURL, timeoutMs = defaultTimeoutMs }: PromoteInput) {
    const signal = deadlineSignal(timeoutMs);
    const waiting = new Map<string, string>();
    const stop = heartbeatWhile(() => `promoting ${platform}/${environment} to ${revision}: ${[...waiting.values()].join('; ')}`);
    try {
      return await guarded(client, async () => {
        // Only the stacks' Applications (labelled with their stack): the root Application is bootstrap's, not freight's.
        const listed = await client.call('GET', '/api/v1/applications', applicationListSchema, {
          query: { selector: `${managedSelector(platform, environment)},${stackLabel}` },
          signal,
        });
        const apps = (listed.items ?? []).map(promoted).flatMap((app) => {
          const positions = sourcePositions(app, repoURL);
          return positions.length ? [{ app, positions }] : [];
        });
        if (!apps.length)
          throw ApplicationFailure.nonRetryable(
            `no Application of ${platform}/${environment} in Argo CD takes a source from ${repoURL} (found: ${(listed.items ?? []).map((a) => a.metadata.name).join(', ') || 'none'}); deploy the environment first`,
            failureTypes.promotionRefused,
          );
        const outcomes = await Promise.all(
          apps.map(({ app, positions }) => promoteApplication(client, app, positions, revision, signal, waiting)),
        );
        const paused = outcomes.flatMap((outcome) => ('paused' in outcome ? outcome.paused : []));
        log.info('Applications promoted', { platform, environment, revision, paused: paused.map((r) => r.name) });
        return paused.length ? { outcome: 'paused' as const, rollouts: paused } : { outcome: 'healthy' as const };
      });
    } catch (err) {
      if (signal.aborted && !(err instanceof ApplicationFailure))
        throw ApplicationFailure.nonRetryable(
          `${platform}/${environment} did not become Synced at ${revision} and Healthy within ${formatDuration(timeoutMs)}; still waiting for:\n  ${[...waiting.values()].join('\n  ')}`,
          failureTypes.applicationNotHealthy,
        );
      throw err;
    } finally {
      stop();
    }
  };
}

function stackOf(app: Application): string {
  return app.metadata.labels?.[stackLabel] ?? '(no stack label)';
}

/** The Rollouts Argo CD reports Suspended in the Application: paused canaries. */
function suspendedRollouts(app: Application): PausedRollout[] {
  return (app.status?.resources ?? [])
    .filter((r) => r.group === 'argoproj.io' && r.kind === 'Rollout' && r.health?.status === 'Suspended')
    .map((r) => ({ stack: stackOf(app), application: app.metadata.name, name: r.name, namespace: r.namespace ?? '' }));
}

async function promoteApplication(
  client: ArgoCdClient,
  found: PromotedApplication,
  positions: number[],
  revision: string,
  signal: AbortSignal,
  waiting: Map<string, string>,
): Promise<AppOutcome> {
  const name = found.metadata.name;
  const failure = (reason: string) =>
    ApplicationFailure.nonRetryable(
      `stack ${stackOf(found)} (Application ${name}) at ${revision}: ${reason}`,
      failureTypes.applicationFailed,
      {
        application: name,
        stack: stackOf(found),
        revision,
      },
    );
  if (!targetsRevision(found, positions, revision)) {
    await client.call('PUT', `/api/v1/applications/${encodeURIComponent(name)}/spec`, applicationSchema.shape.spec, {
      body: specAtRevision(found, positions, revision),
      query: { validate: 'true' },
      signal,
    });
    log.info('Application set to the revision', { application: name, revision });
  }
  let requested = false;
  const request = async () => {
    requested = true;
    const single = found.spec.sources === undefined;
    try {
      await client.sync(
        name,
        {
          ...(single ? { revision } : {}),
          prune: found.spec.syncPolicy?.automated?.prune ?? false,
          syncOptions: found.spec.syncPolicy?.syncOptions ?? [],
        },
        signal,
      );
    } catch (err) {
      // Argo CD's automated sync may have started at the new revision already; the wait tells.
      if (!(err instanceof ArgoCdApiError && err.operationInProgress)) throw err;
    }
  };
  for (;;) {
    const decision = await followApplication<AppOutcome | 'sync'>(client, found.spec.project, name, signal, (raw) => {
      if (!raw)
        throw ApplicationFailure.nonRetryable(
          `Application ${name} was deleted during the promotion`,
          failureTypes.argoCdApplicationMissing,
        );
      const app = promoted(raw);
      waiting.set(name, describeStatus(app).join(', '));
      const operation = app.status?.operationState;
      const running = app.operation !== undefined || operation?.phase === 'Running' || operation?.phase === 'Terminating';
      if (running) {
        // Another operation (an earlier sync) runs to its end first; ours is judged by Argo CD's own retries.
        const pending = app.operation?.sync ?? operation?.operation?.sync;
        const assessment = assessApplication(app);
        if (atRevision(pending, positions, revision) && assessment.state === 'failed') throw failure(assessment.reason);
        return undefined;
      }
      const lastAtRevision = operation !== undefined && atRevision(operation.syncResult ?? operation.operation?.sync, positions, revision);
      if (!(app.status?.sync?.status === 'Synced' && atRevision(app.status.sync, positions, revision))) {
        if (lastAtRevision && operation?.phase !== 'Succeeded') {
          const assessment = assessApplication(app);
          throw failure(
            assessment.state === 'failed' ? assessment.reason : `its sync ended ${operation?.phase}: ${operation?.message ?? ''}`,
          );
        }
        // Once a sync at the revision has succeeded, Argo CD's comparison catches up; until then one is needed.
        return requested && lastAtRevision ? undefined : 'sync';
      }
      // A finished sync of another revision says nothing about this one.
      const assessment = assessApplication(lastAtRevision ? app : { ...app, status: { ...app.status, operationState: undefined } });
      if (assessment.state === 'failed') throw failure(assessment.reason);
      if (assessment.state === 'healthy') return { healthy: true };
      const paused = suspendedRollouts(app);
      if (app.status?.health?.status === 'Suspended' && paused.length) return { paused };
      return undefined;
    });
    if (decision !== 'sync') {
      waiting.delete(name);
      return decision;
    }
    await request();
  }
}

import { log } from '@temporalio/activity';
import { formatDuration } from '../../spec/duration.js';
import { cancellationSignal, deadlineSignal, heartbeatWhile } from '../heartbeat.js';
import type { ApplicationChange, ArgoCdActivities, LiveStatus, WatchedApplication } from '../interfaces.js';
import type { ArgoCdClient } from './client.js';
import { guarded } from './errors.js';
import { absenceGraceMs, followApplication } from './follow.js';
import { describeStatus, statusOf } from './health.js';
import type { Application } from './schemas.js';
import type { ArgoCdSettings } from './settings.js';

/** How Argo CD reports an Application that no longer exists. */
const missing: LiveStatus = { sync: 'Unknown', health: 'Missing' };

/** What the watched Application has become, or undefined while it is as the workflow knew it. */
function changeOf(watched: WatchedApplication, app: Application | undefined): ApplicationChange | undefined {
  const live = app ? statusOf(app) : missing;
  if (live.sync === watched.known.sync && live.health === watched.known.health) return undefined;
  const message = app ? describeStatus(app).join('; ') : `Application ${watched.application} no longer exists in Argo CD`;
  return { stack: watched.stack, application: watched.application, sync: live.sync, health: live.health, message };
}

/** "3 Healthy/Synced, 1 Healthy/OutOfSync": how the watched Applications stand, for heartbeats. */
function summary(live: Map<string, LiveStatus>): string {
  const counts = new Map<string, number>();
  for (const { health, sync } of live.values()) counts.set(`${health}/${sync}`, (counts.get(`${health}/${sync}`) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}

/**
 * Phase 3's drift and health watch: one Argo CD event stream per Application, followed together until
 * one Application's sync or health differs from what the workflow knew. Returns that change with Argo
 * CD's account of it (which resources are OutOfSync or Degraded), or no changes at the deadline.
 */
export function watchPlatformApplicationsActivity(
  client: ArgoCdClient,
  settings: ArgoCdSettings,
): ArgoCdActivities['watchPlatformApplications'] {
  return async function watchPlatformApplications({ applications, maxWatchMs }) {
    const live = new Map(applications.map((a) => [a.application, a.known] as const));
    const stop = heartbeatWhile(
      () => `watching ${applications.length} Applications for up to ${formatDuration(maxWatchMs)}: ${summary(live)}`,
    );
    const deadline = deadlineSignal(maxWatchMs);
    // Ends the other streams once one Application has changed.
    const settled = new AbortController();
    const signal = AbortSignal.any([deadline, settled.signal]);
    try {
      const change = await guarded(client, () =>
        Promise.race(
          applications.map((watched) =>
            followApplication(
              client,
              settings.project ?? watched.project,
              watched.application,
              signal,
              (app) => {
                if (app) live.set(watched.application, statusOf(app));
                return changeOf(watched, app);
              },
              absenceGraceMs,
            ),
          ),
        ),
      );
      log.info('Application changed in steady state', { ...change });
      return { changes: [change] };
    } catch (err) {
      const cancelled = cancellationSignal();
      if (cancelled?.aborted) throw cancelled.reason;
      if (deadline.aborted) return { changes: [] };
      throw err;
    } finally {
      settled.abort();
      stop();
    }
  };
}

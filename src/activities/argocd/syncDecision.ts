import { assessApplication } from './health.js';
import type { Application } from './schemas.js';

/**
 * What syncApplication does with an Application, from what Argo CD reports of it:
 * - `running`: a sync is requested or under way (the automated one, as a rule); it is the deploy.
 * - `applied`: Argo CD has already applied what a sync would (the automated sync, or an earlier attempt of the
 *   activity whose result a worker crash or a Temporal restart lost); a second sync would only run the hooks again.
 * - `wait`: ask again shortly. Either the Application has never been synced and its automated sync is about to
 *   start (Argo CD starts it once it has compared a new Application), or the last sync succeeded after Argo CD's
 *   last comparison, so the OutOfSync it reports is from before that sync. Syncing now would sync twice.
 * - `unreachable`: a sync now would fail for good; the automated sync starts once Argo CD reaches the source.
 * - `sync`: start one.
 */
export type SyncDecision = 'running' | 'applied' | 'wait' | 'unreachable' | 'sync';

export function syncDecision(app: Application): SyncDecision {
  const status = app.status;
  const operation = status?.operationState;
  if (app.operation !== undefined || operation?.phase === 'Running') return 'running';
  if (assessApplication(app).state === 'unreachable') return 'unreachable';
  if (operation === undefined) return automated(app) ? 'wait' : 'sync';
  if (operation.phase !== 'Succeeded') return 'sync';
  if (status?.sync?.status === 'Synced') return 'applied';
  // Both are RFC 3339 to the second: a comparison in the second the sync finished may have preceded it.
  const finished = Date.parse(operation.finishedAt ?? '');
  const compared = Date.parse(status?.reconciledAt ?? '');
  return !Number.isNaN(finished) && (Number.isNaN(compared) || compared <= finished) ? 'wait' : 'sync';
}

function automated(app: Application): boolean {
  const policy = app.spec.syncPolicy?.automated;
  return policy !== undefined && policy.enabled !== false;
}

/** How long syncApplication waits on `wait` before it syncs anyway: Argo CD settles it within a second or two. */
export const syncDecisionWaitMs = 20_000;
/** How often it asks again meanwhile. */
export const syncDecisionPollMs = 250;

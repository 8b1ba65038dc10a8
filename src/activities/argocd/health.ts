import type { ApplicationStatus } from '../interfaces.js';
import { unreachableAddress } from './errors.js';
import type { Application, OperationState, ResourceResult, ResourceStatus } from './schemas.js';

/** The Application's health and sync as Argo CD reports them ('Unknown' when it reports none). */
export function statusOf(app: Application): ApplicationStatus {
  const status = app.status;
  return {
    application: app.metadata.name,
    health: status?.health?.status ?? 'Unknown',
    sync: status?.sync?.status ?? 'Unknown',
    ...(status?.sync?.revision ? { revision: status.sync.revision } : {}),
    ...(status?.health?.lastTransitionTime ? { healthSince: status.health.lastTransitionTime } : {}),
  };
}

/** Where an Application stands for a stack waiting to be Healthy. */
export type HealthAssessment =
  | { state: 'healthy' }
  | { state: 'failed'; reason: string; operationRunning?: boolean }
  | { state: 'progressing'; waitingFor: string[] }
  /** Argo CD cannot fetch the source (a registry or Git server that does not answer): worth asking again. */
  | { state: 'unreachable'; address: string; reason: string };

function resourceName(resource: ResourceStatus | ResourceResult): string {
  return `${resource.kind} ${resource.namespace ? `${resource.namespace}/` : ''}${resource.name}`;
}

/** One line per resource whose sync failed, with Argo CD's message for it. */
function failedResources(app: Application): string[] {
  return (app.status?.operationState?.syncResult?.resources ?? [])
    .filter((resource) => resource.status === 'SyncFailed' || resource.hookPhase === 'Failed' || resource.hookPhase === 'Error')
    .map((resource) => `${resourceName(resource)}: ${resource.message ?? resource.status ?? 'failed'}`);
}

function unhealthyResources(app: Application, health: string): string[] {
  return (app.status?.resources ?? [])
    .filter((resource) => resource.health?.status === health)
    .map((resource) => `${resourceName(resource)}: ${health}${resource.health?.message ? ` (${resource.health.message})` : ''}`);
}

/** The Application's health/sync and every resource not Healthy and Synced, with Argo CD's messages. */
export function describeStatus(app: Application): string[] {
  const waiting = (app.status?.resources ?? []).flatMap((resource) => {
    const health = resource.health?.status;
    const problems = [
      ...(health && health !== 'Healthy' ? [`${health}${resource.health?.message ? ` (${resource.health.message})` : ''}`] : []),
      ...(resource.status && resource.status !== 'Synced' ? [resource.status] : []),
    ];
    return problems.length ? [`${resourceName(resource)}: ${problems.join(', ')}`] : [];
  });
  const status = app.status;
  const summary = `Application ${app.metadata.name}: ${status?.health?.status ?? 'Unknown'}/${status?.sync?.status ?? 'Unknown'}`;
  return [summary, ...waiting];
}

/** Argo CD's words for an operation waiting to retry a failed attempt (controller/appcontroller.go, v3.6). */
const retryNote = /\. Retrying attempt #\d+ at \S+\.$/;

/** The failed attempt's message while Argo CD waits to retry it; undefined while the retry runs. */
function retryingAfter(message: string): string | undefined {
  return retryNote.test(message) ? message.replace(retryNote, '') : undefined;
}

/** How a sync attempt fails while the cluster's API server is down or restarting: Argo CD's retry is the answer. */
const transientApiFailure =
  /connection refused|connection reset|i\/o timeout|TLS handshake timeout|context deadline exceeded|unexpected EOF|the server is currently unable to handle the request|the server was unable to return a response|etcdserver|http2: client connection lost|no route to host/i;

/**
 * A SyncError raised before the last operation started, which then succeeded: an automated sync that had failed
 * (Argo CD does not try the same revision again by itself) followed by a sync that worked. Argo CD clears it on
 * its next refresh; until then it is not the Application's state.
 */
function settledBy(condition: { type: string; lastTransitionTime?: string }, operation: OperationState | undefined): boolean {
  if (condition.type !== 'SyncError' || operation?.phase !== 'Succeeded' || !condition.lastTransitionTime || !operation.startedAt)
    return false;
  return Date.parse(condition.lastTransitionTime) <= Date.parse(operation.startedAt);
}

/**
 * Healthy and Synced with no operation pending completes; a failed sync, an Application Argo CD cannot
 * render (a ComparisonError or InvalidSpecError condition: Helm's or Kustomize's own message), or Degraded
 * health fails with Argo CD's own messages; a source Argo CD cannot reach is unreachable; anything else is
 * still progressing.
 */
export function assessApplication(app: Application): HealthAssessment {
  const status = app.status;
  const operation = status?.operationState;
  // Argo CD retries a failed sync (with backoff) inside the same operation: the first failure is the answer,
  // unless the cluster's API being away explains it; then the retry is, as it is while the retry runs.
  if (operation?.phase === 'Running' && (operation.retryCount ?? 0) > 0) {
    const failure = retryingAfter(operation.message ?? '');
    const resources = failure === undefined ? [] : failedResources(app);
    if (failure !== undefined && !transientApiFailure.test([failure, ...resources].join('\n')))
      return {
        state: 'failed',
        operationRunning: true,
        reason: [`sync of ${app.metadata.name} failed (Argo CD is retrying it): ${failure}`, ...resources].join('\n  '),
      };
    return {
      state: 'progressing',
      waitingFor: [
        `sync of ${app.metadata.name}: Argo CD's retry #${operation.retryCount}${failure ? ` after ${failure}` : ` running: ${operation.message ?? ''}`}`,
        ...describeStatus(app).slice(1),
      ],
    };
  }
  if (app.operation !== undefined || operation?.phase === 'Running' || operation?.phase === 'Terminating') {
    return {
      state: 'progressing',
      waitingFor: [
        `sync of ${app.metadata.name} running${operation?.message ? `: ${operation.message}` : ''}`,
        ...describeStatus(app).slice(1),
      ],
    };
  }
  if (operation?.phase === 'Failed' || operation?.phase === 'Error') {
    return {
      state: 'failed',
      reason: [`sync of ${app.metadata.name} failed: ${operation.message ?? operation.phase}`, ...failedResources(app)].join('\n  '),
    };
  }
  const errors = (status?.conditions ?? []).filter((condition) => condition.type.endsWith('Error') && !settledBy(condition, operation));
  for (const { message = '' } of errors) {
    const address = unreachableAddress(message);
    if (address) return { state: 'unreachable', address, reason: message };
  }
  if (errors.length) {
    return {
      state: 'failed',
      reason: [`Argo CD cannot deploy ${app.metadata.name}:`, ...errors.map((c) => `${c.type}: ${c.message ?? ''}`)].join('\n  '),
    };
  }
  if (status?.health?.status === 'Degraded') {
    return {
      state: 'failed',
      reason: [
        `${app.metadata.name} is Degraded${status.health.message ? `: ${status.health.message}` : ''}`,
        ...unhealthyResources(app, 'Degraded'),
      ].join('\n  '),
    };
  }
  if (status?.health?.status === 'Healthy' && status.sync?.status === 'Synced') return { state: 'healthy' };
  return { state: 'progressing', waitingFor: describeStatus(app) };
}

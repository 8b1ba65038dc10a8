import { setTimeout as sleep } from 'node:timers/promises';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { durationMs, formatDuration } from '../../spec/duration.js';
import { applicationName } from '../../spec/names.js';
import { failureTypes } from '../../workflows/failureTypes.js';
import { activityContext, cancellationSignal, deadlineSignal, heartbeating, heartbeatWhile } from '../heartbeat.js';
import type { ApplicationStatus, ArgoCdActivities, ManagedObject, StackTarget } from '../interfaces.js';
import { stackApplication, syncRevision } from './application.js';
import { ArgoCdClient, type ApplicationManifest } from './client.js';
import { activityFailure, ArgoCdApiError, ArgoCdUnreachableError, guarded, unreachableAddress } from './errors.js';
import { absenceGraceMs, followApplication, readConfirmingAbsence, reconnectDelayMs } from './follow.js';
import { assessApplication, statusOf, type HealthAssessment } from './health.js';
import type { Application } from './schemas.js';
import { SourceRetry } from './sourceRetry.js';
import { syncDecision, syncDecisionPollMs, syncDecisionWaitMs } from './syncDecision.js';
import type { ArgoCdSettings } from './settings.js';
import { watchPlatformApplicationsActivity } from './watch.js';

/** How a wait for health ends (a timeout aside). */
type HealthOutcome = { healthy: ApplicationStatus } | { failed: Extract<HealthAssessment, { state: 'failed' }> };

function describe(app: Application): string {
  const status = statusOf(app);
  return `${status.application}: ${status.health}/${status.sync}`;
}

/**
 * The argocd trust zone: everything it does goes through Argo CD's API with the worker's Argo CD
 * account. It never calls the Kubernetes API (a lint rule holds this folder to it).
 */
export function createArgoCdActivities(settings: ArgoCdSettings): ArgoCdActivities {
  const client = new ArgoCdClient(settings);
  const projectOf = (target: StackTarget) => settings.project ?? target.platform;

  /** Retries `call` while Argo CD says another operation holds the Application, until the activity is cancelled. */
  async function whenIdle<T>(name: string, call: () => Promise<T>, onBusy?: () => Promise<void>): Promise<T> {
    for (;;) {
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof ArgoCdApiError && err.operationInProgress)) throw err;
        log.info('another operation holds the Application; waiting', { application: name });
        await onBusy?.();
        await sleep(settings.operationInProgressBackoffMs ?? 2_000, undefined, { signal: cancellationSignal() });
      }
    }
  }

  async function awaitArgoCdOperational(): Promise<{ version: string }> {
    let waitingFor = `Argo CD at ${settings.url}`;
    const stop = heartbeatWhile(() => `waiting for ${waitingFor}`);
    try {
      for (;;) {
        try {
          const version = await client.version(cancellationSignal());
          waitingFor = `a login of account ${await client.account()}`;
          const account = await client.loggedInAs(cancellationSignal());
          log.info('Argo CD is operational', { url: settings.url, version, account });
          return { version };
        } catch (err) {
          const transient = err instanceof ArgoCdUnreachableError || (err instanceof ArgoCdApiError && err.status >= 500);
          if (!transient) throw activityFailure(err, await client.account().catch(() => 'unknown'));
          waitingFor = `Argo CD at ${settings.url} (${err.message})`;
          await sleep(reconnectDelayMs * 2, undefined, { signal: cancellationSignal() });
        }
      }
    } finally {
      stop();
    }
  }

  /**
   * Upserts with Argo CD's validation, which renders the source: a render error (Helm's or Kustomize's own
   * message: a missing dependency, a value the chart's schema refuses) fails the stack at once; a source
   * Argo CD cannot reach yet is saved unvalidated, for awaitApplicationHealthy to wait for.
   */
  async function upsertValidated(manifest: ApplicationManifest): Promise<void> {
    try {
      await client.upsertApplication(manifest, cancellationSignal());
    } catch (err) {
      if (!(err instanceof ArgoCdApiError && err.status === 400)) throw err;
      const address = unreachableAddress(err.argoMessage);
      if (address) {
        log.warn('Argo CD cannot reach the source to validate the Application; it is saved unvalidated', {
          application: manifest.metadata.name,
          address,
        });
        await client.upsertApplication(manifest, cancellationSignal(), false);
        return;
      }
      if (/unable to generate manifests/i.test(err.argoMessage))
        throw ApplicationFailure.nonRetryable(
          `Argo CD cannot render the source of ${manifest.metadata.name}: ${err.argoMessage}`,
          failureTypes.applicationFailed,
        );
      throw err;
    }
  }

  async function ensureApplication(target: StackTarget): Promise<{ application: string; created: boolean }> {
    const manifest = stackApplication(target, settings);
    // Argo CD renders the source before it saves the Application: seconds for a chart.
    return heartbeating(`saving Application ${manifest.metadata.name}`, () =>
      guarded(client, async () => {
        const existing = await client.getApplication(manifest.spec.project, manifest.metadata.name, undefined, cancellationSignal());
        await upsertValidated(manifest);
        log.info(existing ? 'Application updated' : 'Application created', {
          application: manifest.metadata.name,
          source: target.stack.source ?? target.stack.sources,
        });
        return { application: manifest.metadata.name, created: existing === undefined };
      }),
    );
  }

  /**
   * Starts a sync at the source's revision, unless Argo CD's automated sync (it starts as soon as the Application
   * exists) runs one, has applied it already, or is about to (syncDecision): then it asks again, for up to
   * `syncDecisionWaitMs`, rather than sync a second time.
   */
  async function syncApplication(target: StackTarget): Promise<{ application: string; revision?: string }> {
    const name = applicationName(target.platform, target.environment, target.stack.name);
    // The refresh waits for Argo CD to compare with the source: seconds on a busy repo-server.
    return heartbeating(`starting a sync of Application ${name}`, () =>
      guarded(client, async () => {
        const read = (refresh?: 'normal') =>
          readConfirmingAbsence(client, projectOf(target), name, refresh, absenceGraceMs, cancellationSignal());
        // The first read has Argo CD compare; the ones after it read what Argo CD's own refreshes found.
        let app = await read('normal');
        let decision = app && syncDecision(app);
        const settledBy = Date.now() + syncDecisionWaitMs;
        while (decision === 'wait' && Date.now() < settledBy) {
          await sleep(syncDecisionPollMs, undefined, { signal: cancellationSignal() });
          app = await read();
          decision = app && syncDecision(app);
        }
        if (!app)
          throw ApplicationFailure.nonRetryable(
            `Application ${name} does not exist in Argo CD; ensureApplication creates it`,
            failureTypes.argoCdApplicationMissing,
          );
        const current = { application: name, ...(app.status?.sync?.revision ? { revision: app.status.sync.revision } : {}) };
        if (decision === 'running' || decision === 'applied') return current;
        if (decision === 'unreachable') return { application: name };
        try {
          const request = { revision: syncRevision(target), prune: target.stack.sync.prune, syncOptions: target.stack.sync.options };
          const synced = await client.sync(name, request, cancellationSignal());
          log.info('sync started', { application: name, revision: request.revision ?? 'each source at its targetRevision' });
          return { application: name, ...(synced.status?.sync?.revision ? { revision: synced.status.sync.revision } : {}) };
        } catch (err) {
          if (err instanceof ArgoCdApiError && err.operationInProgress) return { application: name };
          throw err;
        }
      }),
    );
  }

  async function awaitApplicationHealthy(target: StackTarget): Promise<ApplicationStatus> {
    const name = applicationName(target.platform, target.environment, target.stack.name);
    const timeoutMs = durationMs(target.stack.healthTimeout);
    let waitingFor = [`Application ${name}`];
    let last: Application | undefined;
    let unreachable: Extract<HealthAssessment, { state: 'unreachable' }> | undefined;
    const stop = heartbeatWhile(() => waitingFor.join('; '));
    const signal = deadlineSignal(timeoutMs);
    const sourceRetry = new SourceRetry(client, projectOf(target), name, signal);
    try {
      const outcome = await guarded(client, () =>
        followApplication<HealthOutcome>(
          client,
          projectOf(target),
          name,
          signal,
          (app) => {
            if (!app)
              throw ApplicationFailure.nonRetryable(
                `Application ${name} was deleted while Baton waited for it to be Healthy`,
                failureTypes.argoCdApplicationMissing,
              );
            last = app;
            const assessment = assessApplication(app);
            if (assessment.state === 'failed') return { failed: assessment };
            if (assessment.state === 'healthy') return { healthy: statusOf(app) };
            unreachable = assessment.state === 'unreachable' ? assessment : undefined;
            const now =
              assessment.state === 'unreachable' ? [`Argo CD to reach ${assessment.address}: ${assessment.reason}`] : assessment.waitingFor;
            if (now.join() !== waitingFor.join()) log.info('waiting for the Application', { application: name, waitingFor: now });
            waitingFor = now;
            if (unreachable) sourceRetry.whileUnreachable(() => unreachable !== undefined);
            return undefined;
          },
          absenceGraceMs,
        ),
      );
      if ('healthy' in outcome) return outcome.healthy;
      // Stop Argo CD's own retries: the stack is failed until someone fixes it and resumes.
      if (outcome.failed.operationRunning)
        await client
          .terminateOperation(name)
          .catch((err: Error) => log.warn('could not stop the failing sync', { application: name, error: err.message }));
      throw ApplicationFailure.nonRetryable(outcome.failed.reason, failureTypes.applicationFailed, last ? statusOf(last) : undefined);
    } catch (err) {
      if (signal.aborted && !cancellationSignal()?.aborted) {
        const details = last ? statusOf(last) : undefined;
        if (unreachable) {
          throw ApplicationFailure.nonRetryable(
            `Argo CD could not reach ${unreachable.address} for the source of ${name} in ${sourceRetry.tries + 1} tries over ${formatDuration(timeoutMs)} (the stack's healthTimeout); check that the registry or Git server at ${unreachable.address} runs and the stack's repoURL is right, then resume. Argo CD's last error:\n  ${unreachable.reason}`,
            failureTypes.sourceUnreachable,
            details,
          );
        }
        throw ApplicationFailure.nonRetryable(
          `${name} is not Healthy after ${formatDuration(timeoutMs)} (the stack's healthTimeout); still waiting for:\n  ${waitingFor.join('\n  ')}`,
          failureTypes.applicationNotHealthy,
          details,
        );
      }
      throw err;
    } finally {
      stop();
    }
  }

  /** Deletes the Application with cascade (its resources first) and waits until Argo CD no longer has it. */
  async function deleteApplication(target: StackTarget): Promise<{ application: string; existed: boolean; retained: ManagedObject[] }> {
    const name = applicationName(target.platform, target.environment, target.stack.name);
    // A retry finds the Application gone: what it would have kept comes from the last attempt's heartbeats.
    const earlier = (activityContext()?.info.heartbeatDetails as { retained?: ManagedObject[] } | undefined)?.retained;
    let retained: ManagedObject[] = earlier ?? [];
    let progress = `deleting Application ${name} and its resources`;
    const stop = heartbeatWhile(() => ({ progress, retained }));
    try {
      return await guarded(client, async () => {
        const before = await client.getApplication(projectOf(target), name, undefined, cancellationSignal());
        if (before) {
          retained = (before.status?.resources ?? [])
            .filter((resource) => resource.kind === 'CustomResourceDefinition')
            .map((resource) => ({
              apiVersion: `${resource.group ?? 'apiextensions.k8s.io'}/${resource.version ?? 'v1'}`,
              kind: resource.kind,
              name: resource.name,
            }));
        }
        activityContext()?.heartbeat({ progress, retained });
        const existed = await whenIdle(
          name,
          () => client.deleteApplication(projectOf(target), name, true, cancellationSignal()),
          () => client.terminateOperation(name, cancellationSignal()),
        );
        const signal = cancellationSignal() ?? new AbortController().signal;
        await followApplication(client, projectOf(target), name, signal, (app) => {
          if (!app) return true;
          progress = `waiting for Argo CD to delete ${describe(app)} (${app.status?.resources?.length ?? 0} resources left)`;
          return undefined;
        });
        log.info(existed ? 'Application deleted with its resources' : 'Application was already gone', {
          application: name,
          retained: retained.map((r) => r.name),
        });
        return { application: name, existed, retained };
      });
    } finally {
      stop();
    }
  }

  return {
    awaitArgoCdOperational,
    ensureApplication,
    syncApplication,
    awaitApplicationHealthy,
    deleteApplication,
    watchPlatformApplications: watchPlatformApplicationsActivity(client, settings),
  };
}

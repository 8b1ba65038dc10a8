import { setTimeout as sleep } from 'node:timers/promises';
import { timeoutSignal } from '../timeoutSignal.js';
import type { ArgoCdClient } from './client.js';
import { ArgoCdUnreachableError } from './errors.js';
import type { Application } from './schemas.js';

/** Pause before reopening a watch that ended, or before asking an unreachable Argo CD again. */
export const reconnectDelayMs = 1_000;

/**
 * How long one event stream is followed before the Application is read again and a new stream opened.
 * A change between the read and the stream's start is in neither (an Application deleted then was
 * waited for until Argo CD ended the stream, minutes later); this bounds what such a gap can cost.
 */
export const streamSessionMs = 30_000;

/**
 * How long an Application Argo CD reports missing must stay missing before Baton believes it is gone. While
 * the kube-apiserver is down, and for a while after it is back, argocd-server answers every read with 403 (it
 * cannot read the Application) and its informers can stream DELETED; a drill stopping the API server for 30 s
 * failed healthy stacks as "deleted" with a grace of 30 s. Shorter than an Argo CD call's 2 min budget.
 */
export const absenceGraceMs = 90_000;
const absenceRecheckMs = 2_000;

/**
 * Reads the Application; when Argo CD says it does not exist, reads it again every 2 s for `graceMs` and
 * returns it if it comes back, undefined only if it stayed away.
 */
export async function readConfirmingAbsence(
  client: ArgoCdClient,
  project: string,
  name: string,
  refresh: 'normal' | 'hard' | undefined,
  graceMs: number,
  signal: AbortSignal | undefined,
): Promise<Application | undefined> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const app = await client.getApplication(project, name, refresh, signal);
    if (app || Date.now() >= deadline) return app;
    await sleep(absenceRecheckMs, undefined, signal ? { signal } : undefined);
  }
}

/**
 * Follows the Application's event stream until `decide` returns a result (it sees undefined once the
 * Application is gone, for `confirmAbsenceMs` when that is set: see absenceGraceMs). The stream is reopened when
 * it ends, after streamSessionMs, or when Argo CD is briefly unreachable; `signal` (a deadline, the activity's
 * cancellation) ends the wait.
 */
export async function followApplication<T>(
  client: ArgoCdClient,
  project: string,
  name: string,
  signal: AbortSignal,
  decide: (app: Application | undefined) => T | undefined,
  confirmAbsenceMs = 0,
): Promise<T> {
  for (;;) {
    const initial = await readConfirmingAbsence(client, project, name, undefined, confirmAbsenceMs, signal);
    const decided = decide(initial);
    if (decided !== undefined) return decided;
    const session = AbortSignal.any([signal, timeoutSignal(streamSessionMs)]);
    try {
      for await (const event of client.watchApplication(name, session)) {
        // A deletion to confirm: the next round reads the Application again, waiting out a false absence.
        if (event.type === 'DELETED' && confirmAbsenceMs > 0) break;
        const result = decide(event.type === 'DELETED' ? undefined : event.application);
        if (result !== undefined) return result;
      }
    } catch (err) {
      if (signal.aborted) throw err;
      if (session.aborted) continue;
      if (!(err instanceof ArgoCdUnreachableError || err instanceof TypeError)) throw err;
    }
    await sleep(reconnectDelayMs, undefined, { signal });
  }
}

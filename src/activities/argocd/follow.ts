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
 * Follows the Application's event stream until `decide` returns a result (it sees undefined once the
 * Application is gone). The stream is reopened when it ends, after streamSessionMs, or when Argo CD is
 * briefly unreachable; `signal` (a deadline, the activity's cancellation) ends the wait.
 */
export async function followApplication<T>(
  client: ArgoCdClient,
  project: string,
  name: string,
  signal: AbortSignal,
  decide: (app: Application | undefined) => T | undefined,
): Promise<T> {
  for (;;) {
    const initial = await client.getApplication(project, name, undefined, signal);
    const decided = decide(initial);
    if (decided !== undefined) return decided;
    const session = AbortSignal.any([signal, timeoutSignal(streamSessionMs)]);
    try {
      for await (const event of client.watchApplication(name, session)) {
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

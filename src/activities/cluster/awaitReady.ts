import { Watch } from '@kubernetes/client-node';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { failureTypes } from '../../workflows/failureTypes.js';
import type { ManagedObject, ReadyResult } from '../interfaces.js';
import type { ClusterClient } from './client.js';
import { cancellationSignal, heartbeatWhile } from '../heartbeat.js';
import { describeObject } from './objects.js';
import { readinessOf, type ObservedObject, type Readiness } from './readiness.js';

/** A watch the server or the network closed is opened again after this pause. */
const rewatchDelayMs = 500;

interface Tracked {
  object: ManagedObject;
  readiness: Readiness;
}

/**
 * Watches each object (one watch per object, on its name) until every one is ready by its kind's rule.
 * A watch without a resourceVersion starts with the object's current state, so nothing is missed.
 */
export async function awaitReady(client: ClusterClient, input: { objects: ManagedObject[]; timeoutMs: number }): Promise<ReadyResult> {
  const started = Date.now();
  const tracked: Tracked[] = input.objects.map((object) => ({ object, readiness: { state: 'waiting', reason: 'not found' } }));
  const notReady = () => tracked.filter((t) => t.readiness.state !== 'ready');
  const describeWaiting = () => notReady().map((t) => `${describeObject(t.object)}: ${t.readiness.reason}`);
  if (!tracked.length) return { ready: [], elapsedMs: 0 };

  const paths = await Promise.all(
    tracked.map(async ({ object }) => {
      try {
        return await client.objects.collectionPath(object.apiVersion, object.kind, object.namespace);
      } catch (err) {
        throw ApplicationFailure.nonRetryable(
          `cannot watch ${describeObject(object)}: ${(err as Error).message}`,
          failureTypes.unknownKind,
        );
      }
    }),
  );

  const watch = new Watch(client.kubeConfig);
  const controllers = new Set<AbortController>();
  const timers = new Set<NodeJS.Timeout>();
  const stopHeartbeats = heartbeatWhile(() => ({ waitingFor: describeWaiting() }));
  const cancelled = cancellationSignal();

  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve();
      };
      const update = (entry: Tracked, readiness: Readiness) => {
        entry.readiness = readiness;
        if (readiness.state === 'failed') {
          settle(
            ApplicationFailure.nonRetryable(
              `${describeObject(entry.object)} failed: ${readiness.reason}`,
              failureTypes.degraded,
              describeObject(entry.object),
            ),
          );
        } else if (notReady().length === 0) {
          settle();
        }
      };
      const open = (entry: Tracked, path: string) => {
        if (settled) return;
        const query = { fieldSelector: `metadata.name=${entry.object.name}`, allowWatchBookmarks: false };
        const onEvent = (phase: string, object: ObservedObject) => {
          if (phase === 'DELETED') update(entry, { state: 'waiting', reason: 'deleted' });
          else if (phase === 'ADDED' || phase === 'MODIFIED') update(entry, readinessOf(entry.object.kind, object));
        };
        const onDone = (err: unknown) => {
          if (settled) return;
          if (err) entry.readiness = { ...entry.readiness, reason: `${entry.readiness.reason} (watch: ${(err as Error).message ?? err})` };
          const timer = setTimeout(() => {
            timers.delete(timer);
            open(entry, path);
          }, rewatchDelayMs);
          timers.add(timer);
        };
        watch.watch(path, query, onEvent, onDone).then(
          (controller) => (settled ? controller.abort() : controllers.add(controller)),
          (err: unknown) => onDone(err),
        );
      };
      tracked.forEach((entry, index) => open(entry, paths[index] ?? ''));

      const deadline = setTimeout(() => {
        const waiting = describeWaiting();
        settle(
          ApplicationFailure.retryable(
            `not ready after ${Math.round(input.timeoutMs / 1000)}s: ${waiting.join('; ')}`,
            failureTypes.notReady,
            waiting,
          ),
        );
      }, input.timeoutMs);
      timers.add(deadline);
      cancelled?.addEventListener('abort', () => settle(new CancelledFailure('awaitReady cancelled')), { once: true });
    });
  } finally {
    stopHeartbeats();
    for (const timer of timers) clearTimeout(timer);
    for (const controller of controllers) controller.abort();
  }
  return { ready: input.objects, elapsedMs: Date.now() - started };
}

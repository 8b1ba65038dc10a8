import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { failureTypes } from '../../workflows/failureTypes.js';
import type { DeleteResult, ManagedObject } from '../interfaces.js';
import { apiProblem, isUnreachable, withDeadline } from './apiErrors.js';
import type { ClusterClient } from './client.js';
import { cancellationSignal, heartbeatWhile } from '../heartbeat.js';
import { applyRank, describeObject, headerOf } from './objects.js';

const pollMs = 250;

interface Remaining {
  metadata?: { finalizers?: string[]; deletionTimestamp?: string | Date };
  spec?: { finalizers?: string[] };
  status?: { conditions?: { type?: string; status?: string; message?: string }[] };
}

/** Why an object is still there: its finalizers, and for a namespace what its deletion is waiting for. */
function holdReason(found: Remaining): string {
  const finalizers = [...(found.metadata?.finalizers ?? []), ...(found.spec?.finalizers ?? [])];
  // A namespace's conditions say what its deletion waits for (NamespaceContentRemaining, NamespaceFinalizersRemaining, ...).
  const blocking = (found.status?.conditions ?? [])
    .filter((condition) => condition.status === 'True' && condition.type?.startsWith('Namespace') && condition.message)
    .map((condition) => condition.message as string);
  const parts = [
    finalizers.length ? `held by finalizers ${finalizers.join(', ')}` : 'no finalizers',
    found.metadata?.deletionTimestamp ? 'deletion in progress' : 'not marked for deletion',
    ...blocking,
  ];
  return parts.join('; ');
}

function deleteFailure(object: ManagedObject, err: unknown): Error {
  const problem = apiProblem(err);
  const message = `${describeObject(object)} not deleted: ${problem.message}`;
  if (isUnreachable(problem) || (problem.status ?? 0) >= 500) return ApplicationFailure.retryable(message, failureTypes.clusterUnavailable);
  return ApplicationFailure.nonRetryable(message, problem.status === 403 ? failureTypes.forbidden : failureTypes.deleteRejected);
}

/** The object as it is now, or undefined when it is gone. */
async function current(client: ClusterClient, object: ManagedObject): Promise<Remaining | undefined> {
  try {
    return (await withDeadline(
      client.objects.read(headerOf(object)),
      client.requestTimeoutMs,
      `reading ${describeObject(object)}`,
    )) as Remaining;
  } catch (err) {
    if (apiProblem(err).status === 404) return undefined;
    throw deleteFailure(object, err);
  }
}

/**
 * Deletes with foreground propagation (dependents go first, as kubectl --cascade=foreground) in reverse
 * apply order, then waits until every object is gone. A timeout names each object left and what holds it.
 */
export async function deleteResources(
  client: ClusterClient,
  input: { objects: ManagedObject[]; timeoutMs: number },
): Promise<DeleteResult> {
  const ordered = [...input.objects].sort((a, b) => applyRank(b) - applyRank(a));
  const deleted: ManagedObject[] = [];
  const alreadyAbsent: ManagedObject[] = [];
  for (const object of ordered) {
    try {
      await withDeadline(
        client.objects.delete(headerOf(object), undefined, undefined, undefined, undefined, 'Foreground'),
        client.requestTimeoutMs,
        `deleting ${describeObject(object)}`,
      );
      deleted.push(object);
    } catch (err) {
      if (apiProblem(err).status === 404) alreadyAbsent.push(object);
      else throw deleteFailure(object, err);
    }
  }

  let remaining = deleted;
  const stopHeartbeats = heartbeatWhile(() => ({ stillPresent: remaining.map(describeObject) }));
  const cancelled = cancellationSignal();
  const deadline = Date.now() + input.timeoutMs;
  try {
    while (remaining.length) {
      if (cancelled?.aborted) throw new CancelledFailure('deleteResources cancelled');
      const states = await Promise.all(remaining.map(async (object) => ({ object, found: await current(client, object) })));
      const present = states.filter((state) => state.found !== undefined);
      remaining = present.map((state) => state.object);
      if (!remaining.length) break;
      if (Date.now() > deadline) {
        const held = present.map((state) => `${describeObject(state.object)} (${holdReason(state.found as Remaining)})`);
        throw ApplicationFailure.retryable(
          `still present after ${Math.round(input.timeoutMs / 1000)}s: ${held.join('; ')}`,
          failureTypes.deleteTimeout,
          held,
        );
      }
      await sleep(pollMs);
    }
  } finally {
    stopHeartbeats();
  }
  return { deleted, alreadyAbsent };
}

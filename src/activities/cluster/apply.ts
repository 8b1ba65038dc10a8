import { PatchStrategy } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes } from '../../workflows/failureTypes.js';
import type { ApplyResult, KubernetesManifest, ManagedObject } from '../interfaces.js';
import { apiProblem, isUnreachable, withDeadline } from './apiErrors.js';
import { awaitReady } from './awaitReady.js';
import type { ClusterClient } from './client.js';
import { describeObject, applyRank, inApplyOrder, isCustomResourceDefinition, managedLabels, objectOf } from './objects.js';

/** The field manager of every server-side apply: Baton owns the fields it sets, and only those. */
export const fieldManager = 'baton';

/** A manifest the API cannot take as it is, named by its position when it has no usable name. */
function checkShape(manifest: KubernetesManifest, index: number): void {
  const missing = ['apiVersion', 'kind'].filter((field) => typeof (manifest as Record<string, unknown>)[field] !== 'string');
  if (typeof manifest.metadata?.name !== 'string' || !manifest.metadata.name) missing.push('metadata.name');
  if (missing.length) {
    const label = typeof manifest.kind === 'string' ? `${manifest.kind} (manifest ${index + 1})` : `manifest ${index + 1}`;
    throw ApplicationFailure.nonRetryable(`${label} has no ${missing.join(', ')}`, failureTypes.invalidManifest);
  }
}

function labelled(manifest: KubernetesManifest, platform: string, environment: string): KubernetesManifest {
  const labels = { ...manifest.metadata.labels, ...managedLabels(platform, environment) };
  return { ...manifest, metadata: { ...manifest.metadata, labels } };
}

/** What a retry cannot fix is non-retryable; an unreachable or failing server is worth another try. */
function applyFailure(object: ManagedObject, err: unknown): Error {
  const problem = apiProblem(err);
  const what = describeObject(object);
  // Discovery found no such API version (404) or no such kind in it.
  const unknownKind = /Unrecognized API version and kind|Failed to fetch resource metadata/.test((err as Error).message ?? '');
  if (unknownKind && (problem.status === undefined || problem.status === 404)) {
    return ApplicationFailure.nonRetryable(
      `${what}: the server does not serve ${object.apiVersion} ${object.kind}`,
      failureTypes.unknownKind,
    );
  }
  if (isUnreachable(problem)) {
    return ApplicationFailure.retryable(`${what} not applied: ${problem.message}`, failureTypes.clusterUnavailable);
  }
  const message = `${what} rejected (${problem.status}${problem.reason ? ` ${problem.reason}` : ''}): ${problem.message}`;
  if (problem.status === 401) return ApplicationFailure.nonRetryable(message, failureTypes.unauthorized);
  if (problem.status === 403) return ApplicationFailure.nonRetryable(message, failureTypes.forbidden);
  if (problem.status === 409) return ApplicationFailure.nonRetryable(message, failureTypes.applyConflict);
  if (problem.status !== undefined && problem.status >= 400 && problem.status < 500)
    return ApplicationFailure.nonRetryable(message, failureTypes.manifestRejected);
  return ApplicationFailure.retryable(message, failureTypes.clusterUnavailable);
}

/**
 * Server-side apply of every manifest, labelled as Baton's for the platform and environment: CRDs first, waited for
 * until Established (their kinds must exist before objects of those kinds), then namespaces, then the rest.
 * Applying the same manifests again changes nothing: the activity is idempotent.
 */
export async function applyManifests(
  client: ClusterClient,
  input: { platform: string; environment: string; manifests: KubernetesManifest[]; force?: boolean; timeoutMs?: number },
): Promise<ApplyResult> {
  input.manifests.forEach(checkShape);
  const ordered = inApplyOrder(input.manifests.map((manifest) => labelled(manifest, input.platform, input.environment)));
  const applied: ManagedObject[] = [];
  const crdWaitMs = input.timeoutMs ?? 60_000;

  for (const manifest of ordered) {
    const object = objectOf(manifest);
    const previous = applied.at(-1);
    // The first object after the CRDs: their kinds must be served before anything else goes in.
    if (previous && isCustomResourceDefinition(previous) && applyRank(manifest) > 0) {
      await awaitReady(client, { objects: applied.filter(isCustomResourceDefinition), timeoutMs: crdWaitMs });
    }
    try {
      await withDeadline(
        client.objects.patch(manifest, undefined, undefined, fieldManager, input.force ?? false, PatchStrategy.ServerSideApply),
        client.requestTimeoutMs,
        `applying ${describeObject(object)}`,
      );
    } catch (err) {
      throw applyFailure(object, err);
    }
    applied.push(object);
  }
  const crds = applied.filter(isCustomResourceDefinition);
  if (crds.length === applied.length && crds.length) await awaitReady(client, { objects: crds, timeoutMs: crdWaitMs });
  return { applied };
}

import { ApiException, ApisApi, type V1APIResource } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes } from '../../workflows/failureTypes.js';
import type { ManagedObject } from '../interfaces.js';
import { apiProblem, withDeadline } from './apiErrors.js';
import type { ClusterClient } from './client.js';
import { managedSelector } from './objects.js';

/** The label naming a part of what bootstrap installs: the hub's Argo CD install is `argocd` (ansible/group_vars). */
export const partLabel = 'baton.dev/part';

/** How many list requests run at once: enough to be quick, few enough to be polite to the API server. */
const parallelLists = 8;

interface ListedObject {
  metadata?: { name?: string; namespace?: string; uid?: string };
}

/** Every listable resource the server serves, each in its group's preferred version. */
async function listableResources(client: ClusterClient): Promise<{ apiVersion: string; resource: V1APIResource }[]> {
  const groups = await withDeadline(
    client.kubeConfig.makeApiClient(ApisApi).getAPIVersions(),
    client.requestTimeoutMs,
    'listing API groups',
  );
  const versions = ['v1', ...groups.groups.flatMap((group) => (group.preferredVersion ? [group.preferredVersion.groupVersion] : []))];
  const perVersion = await Promise.all(
    versions.map(async (apiVersion) => {
      const resources = await withDeadline(client.objects.resourcesIn(apiVersion), client.requestTimeoutMs, `discovering ${apiVersion}`);
      return resources.filter((resource) => resource.verbs.includes('list')).map((resource) => ({ apiVersion, resource }));
    }),
  );
  return perVersion.flat();
}

/**
 * Every object, of any kind, labelled as Baton's for the platform and (when given) the environment, except the
 * objects of `exceptPart`. After a teardown this must be empty: a kind that cannot be listed fails the search
 * rather than being skipped, so an empty answer is a proof.
 */
export async function findOrphans(
  client: ClusterClient,
  input: { platform: string; environment?: string; exceptPart?: string },
): Promise<ManagedObject[]> {
  const selector = `${managedSelector(input.platform, input.environment)}${input.exceptPart ? `,${partLabel}!=${input.exceptPart}` : ''}`;
  const resources = await listableResources(client);
  const found = new Map<string, ManagedObject>();
  const queue = [...resources];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { apiVersion, resource } = next;
      try {
        const list = await withDeadline(
          client.objects.list<ListedObject & { apiVersion: string; kind: string }>(
            apiVersion,
            resource.kind,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            selector,
          ),
          client.requestTimeoutMs,
          `listing ${resource.name}`,
        );
        for (const item of list.items) {
          const name = item.metadata?.name ?? '';
          const key = item.metadata?.uid ?? `${apiVersion}/${resource.kind}/${item.metadata?.namespace ?? ''}/${name}`;
          found.set(key, {
            apiVersion,
            kind: resource.kind,
            name,
            ...(item.metadata?.namespace ? { namespace: item.metadata.namespace } : {}),
          });
        }
      } catch (err) {
        // A kind that disappeared since discovery (a CRD deleted meanwhile) has nothing left to find.
        if (err instanceof ApiException && (err.code === 404 || err.code === 405)) continue;
        const problem = apiProblem(err);
        const message = `cannot list ${resource.name} (${apiVersion}) to look for orphans: ${problem.message}`;
        if (problem.status === 401 || problem.status === 403)
          throw ApplicationFailure.nonRetryable(message, problem.status === 401 ? failureTypes.unauthorized : failureTypes.forbidden);
        throw ApplicationFailure.retryable(message, failureTypes.clusterUnavailable);
      }
    }
  };
  await Promise.all(Array.from({ length: parallelLists }, worker));
  return [...found.values()].sort((a, b) =>
    `${a.kind}/${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.kind}/${b.namespace ?? ''}/${b.name}`),
  );
}

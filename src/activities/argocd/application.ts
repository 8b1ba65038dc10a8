import type { StackTarget } from '../interfaces.js';
import type { StackSources } from '../../spec/applicationSource.js';
import { managedLabels, stackLabel } from '../../spec/labels.js';
import { applicationName, appProjectName } from '../../spec/names.js';
import { inClusterName } from '../../spec/schema.js';
import type { ApplicationManifest } from './client.js';
import { inClusterServer, type ArgoCdSettings } from './settings.js';

/** Argo CD deletes an Application's resources before the Application itself when it carries this. */
const cascadeFinalizer = 'resources-finalizer.argocd.argoproj.io';

/**
 * A deployStack child started before stacks had sources of their own carries the platform's source
 * beside the stack's path; it still runs on a newer worker, so its Application keeps that source.
 */
interface TargetBeforeSources {
  source?: { repoURL: string; targetRevision: string };
  stack: { path?: string };
}

function sourcesOf(target: StackTarget): StackSources {
  const { stack } = target;
  if (stack.sources) return { sources: stack.sources };
  if (stack.source) return { source: stack.source };
  const earlier = target as unknown as TargetBeforeSources;
  if (earlier.source && earlier.stack.path) {
    return { source: { repoURL: earlier.source.repoURL, path: earlier.stack.path, targetRevision: earlier.source.targetRevision } };
  }
  throw new Error(`stack ${(stack as { name: string }).name} has neither source nor sources`);
}

/**
 * Where the Application deploys: the hub by its server URL, as Argo CD knows the cluster it runs in,
 * any other cluster by the name it is registered under. A target without a cluster (a child started
 * before environments had clusters) deploys to the hub.
 */
function destinationOf(target: StackTarget, settings: ArgoCdSettings): ApplicationManifest['spec']['destination'] {
  const cluster = target.cluster ?? inClusterName;
  const namespace = target.stack.namespace;
  return cluster === inClusterName ? { server: settings.destinationServer ?? inClusterServer, namespace } : { name: cluster, namespace };
}

/** The Application of one stack: its source (or sources), its destination, its environment's AppProject, and the stack's sync policy. */
export function stackApplication(target: StackTarget, settings: ArgoCdSettings): ApplicationManifest {
  const { platform, environment, stack } = target;
  return {
    metadata: {
      name: applicationName(platform, environment, stack.name),
      namespace: settings.applicationNamespace ?? 'argocd',
      labels: {
        ...managedLabels(platform, environment),
        [stackLabel]: stack.name,
      },
      finalizers: [cascadeFinalizer],
    },
    spec: {
      project: settings.project ?? appProjectName(platform, environment),
      ...sourcesOf(target),
      destination: destinationOf(target, settings),
      syncPolicy: {
        automated: { prune: stack.sync.prune, selfHeal: stack.sync.selfHeal },
        syncOptions: stack.sync.options,
        // A namespace Argo CD creates carries the platform's and environment's labels: teardown and findOrphans find it.
        ...(stack.createsNamespace ? { managedNamespaceMetadata: { labels: managedLabels(platform, environment) } } : {}),
      },
    },
  };
}

/**
 * The revision a sync of the stack's Application asks for: its source's. A multi-source Application is
 * synced without one, and Argo CD takes each source at its own targetRevision.
 */
export function syncRevision(target: StackTarget): string | undefined {
  return sourcesOf(target).source?.targetRevision;
}

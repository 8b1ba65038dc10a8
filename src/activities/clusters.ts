import { basename, dirname, join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { inClusterName } from '../spec/schema.js';
import { failureTypes } from '../workflows/failureTypes.js';
import type { ClusterChoice } from './interfaces.js';

/**
 * Where rotation writes the automation kubeconfig of a cluster: the hub's at the configured path, another
 * cluster's beside it, `automation.kubeconfig` becoming `automation.<cluster>.kubeconfig`.
 */
export function clusterAutomationKubeconfig(path: string, cluster: string): string {
  if (cluster === inClusterName) return path;
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  const named = dot > 0 ? `${name.slice(0, dot)}.${cluster}${name.slice(dot)}` : `${name}.${cluster}`;
  return join(dirname(path), named);
}

/**
 * The worker's entry for the cluster an activity asks for (the hub when it names none); a cluster the
 * worker was not given fails for good, naming the ones it has and how to add one.
 */
export function chosenCluster<T>(clusters: ReadonlyMap<string, T>, input: ClusterChoice): T {
  const name = input.cluster ?? inClusterName;
  const found = clusters.get(name);
  if (found !== undefined) return found;
  throw ApplicationFailure.nonRetryable(
    `this worker has no cluster "${name}": it serves ${[...clusters.keys()].join(', ')}; start it with --cluster ${name}=KUBECONFIG (or BATON_CLUSTERS=${name}=KUBECONFIG)`,
    failureTypes.unknownCluster,
  );
}

import { existsSync } from 'node:fs';

/** The environment variable that lists the worker's other clusters when no --cluster is given. */
export const clustersEnv = 'BATON_CLUSTERS';

/**
 * The clusters given as NAME=KUBECONFIG (each --cluster, or BATON_CLUSTERS' comma-separated list): a
 * name given twice or a kubeconfig that is not there is refused with a message naming the entry and
 * `source`; the settings' schema checks the names (the hub's is refused: its kubeconfig is --kubeconfig).
 */
export function parseClusterFlags(entries: readonly string[], source: string): Record<string, { kubeconfig: string }> {
  const clusters: Record<string, { kubeconfig: string }> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim();
    const kubeconfig = entry.slice(at + 1).trim();
    if (at < 0 || !name || !kubeconfig)
      throw new Error(`${source} "${entry}": must be NAME=KUBECONFIG, such as prod=/etc/baton/prod.kubeconfig`);
    if (clusters[name])
      throw new Error(`${source}: cluster ${name} is given twice (${clusters[name].kubeconfig} and ${kubeconfig}); give each cluster once`);
    if (!existsSync(kubeconfig)) throw new Error(`${source} "${entry}": the kubeconfig ${kubeconfig} does not exist`);
    clusters[name] = { kubeconfig };
  }
  return clusters;
}

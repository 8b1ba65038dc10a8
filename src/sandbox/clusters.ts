import { join } from 'node:path';
import { inClusterName } from '../spec/schema.js';
import { clusterPorts, type SandboxConfig } from './config.js';
import { sandboxLayout, type SandboxLayout } from './layout.js';
import { recordedConfig } from './record.js';

/** One control plane of the sandbox: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok. */
export interface SandboxCluster {
  name: string;
  /** What Argo CD and the workers call it: in-cluster for the hub (where Argo CD runs), else its name. */
  argocdName: string;
  /** 0 for the hub; extra cluster i listens on the hub's cluster ports + 100 * i. */
  index: number;
  /**
   * The configuration its parts run with: the sandbox's own for the hub; for an extra cluster its own ports and
   * its state folder <stateDir>/clusters/<name> (etcd data, PKI, kubeconfigs, logs, pids).
   */
  config: SandboxConfig;
}

/** The folder an extra cluster keeps its state in. */
export function clusterStateDir(config: SandboxConfig, name: string): string {
  return join(config.stateDir, 'clusters', name);
}

/** The clusters of this list, the hub first. */
export function sandboxClusters(config: SandboxConfig, names: string[]): SandboxCluster[] {
  return names.map((name, index) => ({
    name,
    argocdName: index === 0 ? inClusterName : name,
    index,
    config: index === 0 ? config : { ...config, stateDir: clusterStateDir(config, name), ports: clusterPorts(config.ports, index) },
  }));
}

/** A part's name in `sandbox logs` and status: its own in the hub, `<cluster>/<part>` in an extra cluster. */
export function clusterPartName(cluster: SandboxCluster, part: string): string {
  return cluster.index === 0 ? part : `${cluster.name}/${part}`;
}

/** The layout of the hub (no name), or of one of the extra clusters the sandbox was last brought up with. */
export async function sandboxClusterLayout(config: SandboxConfig, name?: string): Promise<SandboxLayout> {
  const layout = sandboxLayout(config);
  if (name === undefined) return layout;
  const recorded = await recordedConfig(config, layout);
  const extra = sandboxClusters(recorded, recorded.clusters).slice(1);
  const cluster = extra.find((candidate) => candidate.name === name);
  if (!cluster)
    throw new Error(
      `the sandbox in ${layout.stateDir} has no extra cluster ${name} (its extra clusters: ${extra.map((own) => own.name).join(', ') || 'none'}); ` +
        "name the hub's parts without a cluster",
    );
  return sandboxLayout(cluster.config);
}

import { chosenCluster, clusterAutomationKubeconfig } from '../clusters.js';
import { loadKubeConfig } from '../cluster/client.js';
import type { AnsibleActivities } from '../interfaces.js';
import { inClusterName } from '../../spec/schema.js';
import type { AnsibleSettings } from './settings.js';

export type RunPlaybookInput = Parameters<AnsibleActivities['runPlaybook']>[0];

/** The cluster a run's playbook acts on: its Argo CD name, its kubeconfig and the API server that kubeconfig names. */
export interface PlaybookCluster {
  name: string;
  kubeconfig: string;
  server: string;
}

/** The cluster the run names (the hub when none), from the worker's clusters; one it was not given fails with UnknownCluster. */
export function playbookCluster(settings: AnsibleSettings, input: RunPlaybookInput): PlaybookCluster {
  const clusters = new Map([[inClusterName, { kubeconfig: settings.kubeconfig }], ...Object.entries(settings.clusters ?? {})]);
  const { kubeconfig } = chosenCluster(clusters, input);
  const server = loadKubeConfig(kubeconfig).getCurrentCluster()?.server;
  if (!server) throw new Error(`${kubeconfig}: its current context names no cluster with a server; the playbooks need the API server's URL`);
  return { name: input.cluster ?? inClusterName, kubeconfig, server };
}

/** The playbooks' variables (ansible/group_vars/all.yml) for one run on one cluster: paths and names, never a credential. */
export function playbookVars(settings: AnsibleSettings, input: RunPlaybookInput, cluster: PlaybookCluster): Record<string, unknown> {
  const source = input.source ?? settings.source;
  return {
    baton_platform: input.platform,
    baton_environment: input.environment,
    baton_features: input.features,
    baton_kubeconfig: cluster.kubeconfig,
    baton_hub_kubeconfig: settings.kubeconfig,
    baton_cluster_name: cluster.name,
    baton_cluster_server: cluster.server,
    argocd_manifests_dir: settings.argocdManifestsDir,
    argocd_url: settings.argocdUrl ?? '',
    argocd_validate_certs: settings.argocdValidateCerts ?? true,
    argocd_admin_password_file: settings.argocdAdminPasswordFile ?? '',
    argocd_token_file: settings.argocdTokenFile ?? '',
    automation_kubeconfig_file: settings.automationKubeconfigFile ? clusterAutomationKubeconfig(settings.automationKubeconfigFile, cluster.name) : '',
    ...(source ? { baton_repo_url: source.repoURL, baton_repo_revision: source.targetRevision, baton_source_repos: input.sourceRepos ?? [source.repoURL] } : {}),
  };
}

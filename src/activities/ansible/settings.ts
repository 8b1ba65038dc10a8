import { fileURLToPath } from 'node:url';

/** Where and how the ansible zone's worker runs playbooks; fixed per worker, not per run. */
export interface AnsibleSettings {
  /** The kubeconfig the playbooks reach the hub (in-cluster) with (the operator's or the bootstrap credential). */
  kubeconfig: string;
  /** The kubeconfigs of the other clusters, by their Argo CD name: a run for one of them bootstraps it as a spoke. */
  clusters?: Record<string, { kubeconfig: string }>;
  /** Argo CD's pinned manifests folder (holding install.yaml): a local path, or the upstream release URL. */
  argocdManifestsDir: string;
  /** Argo CD's API; without it the steps that need an Argo CD session (admin password, API token) are skipped. */
  argocdUrl?: string;
  /** False for the sandbox's self-signed Argo CD. */
  argocdValidateCerts?: boolean;
  /** A file holding Argo CD's current admin password; without it, the argocd-initial-admin-secret Secret. */
  argocdAdminPasswordFile?: string;
  /** Where rotation writes the `baton` account's Argo CD API token for the argocd zone's worker (0600). */
  argocdTokenFile?: string;
  /**
   * Where rotation writes the hub's automation ServiceAccount's kubeconfig for the cluster zone's worker (0600), another
   * cluster's beside it (clusterAutomationKubeconfig); teardown removes it.
   */
  automationKubeconfigFile?: string;
  /** The root Application's source, when the run does not name one. */
  source?: { repoURL: string; targetRevision: string };
  /** The folder holding ansible.cfg and the playbooks. */
  playbookDir?: string;
  /** The ansible-playbook executable. */
  ansiblePlaybook?: string;
  /** How long ansible-playbook gets to stop after SIGTERM before the process group is killed. */
  killGraceMs?: number;
}

export const defaultPlaybookDir = fileURLToPath(new URL('../../../ansible', import.meta.url));

/** The Secret holding the automation ServiceAccount's token (ansible/roles/automation). */
export const automationCredentialsRef = 'baton-system/baton-automation';

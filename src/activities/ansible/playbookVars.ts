import type { AnsibleActivities } from '../interfaces.js';
import type { AnsibleSettings } from './settings.js';

export type RunPlaybookInput = Parameters<AnsibleActivities['runPlaybook']>[0];

/** The playbooks' variables (ansible/group_vars/all.yml) for one run: paths and names, never a credential. */
export function playbookVars(settings: AnsibleSettings, input: RunPlaybookInput): Record<string, unknown> {
  const source = input.source ?? settings.source;
  return {
    baton_platform: input.platform,
    baton_environment: input.environment,
    baton_features: input.features,
    baton_kubeconfig: settings.kubeconfig,
    argocd_manifests_dir: settings.argocdManifestsDir,
    argocd_url: settings.argocdUrl ?? '',
    argocd_validate_certs: settings.argocdValidateCerts ?? true,
    argocd_admin_password_file: settings.argocdAdminPasswordFile ?? '',
    argocd_token_file: settings.argocdTokenFile ?? '',
    automation_kubeconfig_file: settings.automationKubeconfigFile ?? '',
    ...(source ? { baton_repo_url: source.repoURL, baton_repo_revision: source.targetRevision, baton_source_repos: input.sourceRepos ?? [source.repoURL] } : {}),
  };
}

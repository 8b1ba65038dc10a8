import { join } from 'node:path';
import type { SandboxConfig } from './config.js';

/** The files a sandbox keeps in its state folder. */
export interface SandboxLayout {
  stateDir: string;
  pkiDir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  serviceAccountKey: string;
  serviceAccountPublicKey: string;
  tokensFile: string;
  /** The administrator's kubeconfig: what people and Baton's cluster activities use. */
  kubeconfig: string;
  kubeconfigsDir: string;
  etcdDataDir: string;
  temporalDb: string;
  kwokConfig: string;
  /** redis's working folder (it keeps nothing on disk: no snapshots, no append-only file). */
  redisDir: string;
  /** Argo CD's working files: TLS/SSH/GnuPG folders, empty static assets, repo-server checkouts. */
  argocdDir: string;
  /** The Argo CD parts' kubeconfig: the administrator's, with the context namespace `argocd`. */
  argocdKubeconfig: string;
  /** The Argo CD admin password (0600), generated on the first up. */
  argocdPasswordFile: string;
  /** Its bcrypt hash and mtime as set in argocd-secret (0600), so later ups apply the same values. */
  argocdPasswordHashFile: string;
  /** Bootstrap mode: what the Argo CD supervisor last found and did (JSON, rewritten as it changes). */
  argocdSupervisorReport: string;
  /** What the Argo Rollouts supervisor last found and did in each cluster (JSON, rewritten as it changes). */
  rolloutsSupervisorReport: string;
  /** The chart registry's configuration file, written on every up. */
  registryConfig: string;
  /** The chart registry's storage (its filesystem driver's root). */
  registryDir: string;
  /** Helm's cache, configuration and data for `push-chart` (not the user's ~/.cache/helm). */
  helmHome: string;
  /** The stack sources: a bare Git repository Argo CD reads through file://. */
  gitRepo: string;
  /** Where credential rotation leaves the `baton` account's Argo CD API token for the worker (0600). */
  argocdTokenFile: string;
  /** Where credential rotation leaves a kubeconfig of the automation ServiceAccount for the cluster zone (0600). */
  automationKubeconfig: string;
  logsDir: string;
  pidsDir: string;
  /** What the last `up` recorded: ports, cold-start time. */
  recordFile: string;
}

export function sandboxLayout(config: SandboxConfig): SandboxLayout {
  const dir = config.stateDir;
  const pki = join(dir, 'pki');
  return {
    stateDir: dir,
    pkiDir: pki,
    caCert: join(pki, 'ca.crt'),
    caKey: join(pki, 'ca.key'),
    servingCert: join(pki, 'serving.crt'),
    servingKey: join(pki, 'serving.key'),
    serviceAccountKey: join(pki, 'service-account.key'),
    serviceAccountPublicKey: join(pki, 'service-account.pub'),
    tokensFile: join(pki, 'tokens.csv'),
    kubeconfig: join(dir, 'kubeconfig'),
    kubeconfigsDir: join(dir, 'kubeconfigs'),
    etcdDataDir: join(dir, 'etcd'),
    temporalDb: join(dir, 'temporal.db'),
    kwokConfig: join(dir, 'kwok.yaml'),
    redisDir: join(dir, 'redis'),
    argocdDir: join(dir, 'argocd'),
    argocdKubeconfig: join(dir, 'kubeconfigs/argocd.kubeconfig'),
    argocdPasswordFile: join(dir, 'argocd-admin-password'),
    argocdPasswordHashFile: join(dir, 'argocd/admin-password.json'),
    argocdSupervisorReport: join(dir, 'argocd/supervisor.json'),
    rolloutsSupervisorReport: join(dir, 'rollouts-supervisor.json'),
    registryConfig: join(dir, 'registry/config.yml'),
    registryDir: join(dir, 'registry/storage'),
    helmHome: join(dir, 'helm'),
    gitRepo: join(dir, 'git/platform.git'),
    argocdTokenFile: join(dir, 'argocd-baton-token'),
    automationKubeconfig: join(dir, 'kubeconfigs/automation.kubeconfig'),
    logsDir: join(dir, 'logs'),
    pidsDir: join(dir, 'pids'),
    recordFile: join(dir, 'sandbox.json'),
  };
}

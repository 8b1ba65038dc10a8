import { join } from 'node:path';
import { argoCdScriptsDir, installArgoCd, reconciliationSeconds } from '../argocd.js';
import { registerChartRepository } from '../chartRegistry.js';
import type { PartContext, PrepareOutcome } from './part.js';

/** The Argo CD binary is one program; the environment picks the component. */
export const argoCdBinary = 'argocd';
export const argoCdInstall = 'build it with `bash scripts/build-tools.sh argocd`';

/** Out of cluster, as Argo CD's own Procfile runs it: the kubeconfig stands in for the in-cluster config. */
export function argoCdEnv(component: string, { layout }: PartContext): NodeJS.ProcessEnv {
  const dir = layout.argocdDir;
  return {
    ...process.env,
    PATH: `${argoCdScriptsDir(layout)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    ARGOCD_BINARY_NAME: component,
    ARGOCD_FAKE_IN_CLUSTER: 'true',
    KUBECONFIG: layout.argocdKubeconfig,
    ARGOCD_GPG_ENABLED: 'false',
    // In a cluster these come from argocd-cm's timeout.reconciliation: the controller's resync period
    // and how long the repo-server keeps a branch's resolved revision (a new commit is seen this late).
    ARGOCD_RECONCILIATION_TIMEOUT: `${reconciliationSeconds}s`,
    ARGOCD_RECONCILIATION_JITTER: '0s',
    ARGOCD_TLS_DATA_PATH: join(dir, 'tls'),
    ARGOCD_SSH_DATA_PATH: join(dir, 'ssh'),
    ARGOCD_GNUPGHOME: join(dir, 'gpg/keys'),
    ARGOCD_GPG_DATA_PATH: join(dir, 'gpg/source'),
    // The repo-server's checkouts stay in the state folder.
    TMPDIR: join(dir, 'tmp'),
  };
}

const installs = new WeakMap<PartContext, Promise<PrepareOutcome>>();

/**
 * Installs Argo CD's CRDs and config objects once per up, whichever Argo CD part asks first. When the
 * CRDs had to be created again, a running controller or server watches what no longer exists: restart it.
 */
export function ensureArgoCdInstalled(context: PartContext): Promise<PrepareOutcome> {
  let install = installs.get(context);
  if (!install) {
    const started = Date.now();
    install = installArgoCd(context.config, context.layout, context.argocd).then(async ({ crdsCreated }) => {
      await registerChartRepository(context.config, context.layout);
      context.say(
        `Argo CD ${context.argocd.version} CRDs and config and the chart registry's repository applied to namespace argocd (${((Date.now() - started) / 1000).toFixed(1)}s)`,
      );
      return crdsCreated ? { restart: "Argo CD's CRDs were created again, its watches are stale" } : {};
    });
    installs.set(context, install);
  }
  return install;
}

export function redisAddress({ config }: PartContext): string {
  return `${config.host}:${config.ports.redis}`;
}

export function repoServerAddress({ config }: PartContext): string {
  return `${config.host}:${config.ports.argocdRepoServer}`;
}

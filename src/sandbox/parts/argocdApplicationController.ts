import { expectOk } from '../probe.js';
import { argoCdBinary, argoCdEnv, argoCdInstall, ensureArgoCdInstalled, redisAddress, repoServerAddress } from './argocdCommon.js';
import type { SandboxPart } from './part.js';

/** Compares Applications with Git and the cluster, and syncs them. */
export const argocdApplicationController: SandboxPart = {
  name: 'argocd-application-controller',
  binary: argoCdBinary,
  install: argoCdInstall,
  after: ['kube-apiserver', 'redis', 'argocd-repo-server'],
  ports: (config) => [config.ports.argocdControllerMetrics],
  listensBeyondLoopback: "Argo CD v3 has no flag for the controller's metrics address; only its probe on 127.0.0.1 calls it",
  endpoint: (config) => `http://${config.host}:${config.ports.argocdControllerMetrics}`,
  args: (context) => [
    `--kubeconfig=${context.layout.argocdKubeconfig}`,
    `--redis=${redisAddress(context)}`,
    `--repo-server=${repoServerAddress(context)}`,
    '--repo-server-plaintext',
    `--metrics-port=${context.config.ports.argocdControllerMetrics}`,
    // Drift and new commits show within seconds by default (see appResyncSeconds of the sandbox's configuration).
    `--app-resync=${context.config.appResyncSeconds}`,
    '--app-resync-jitter=0',
    '--logformat=text',
    '--loglevel=warn',
  ],
  env: (context) => ({
    ...argoCdEnv('argocd-application-controller', context),
    ARGOCD_CONTROLLER_REPLICAS: '1',
    HOSTNAME: 'argocd-application-controller-0',
  }),
  prepare: ensureArgoCdInstalled,
  argoCdWorkload: { kind: 'StatefulSet', name: 'argocd-application-controller' },
  ready: async ({ config }) => {
    await expectOk(`http://${config.host}:${config.ports.argocdControllerMetrics}/healthz`);
  },
};

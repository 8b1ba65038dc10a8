import { join } from 'node:path';
import { argoCdUrl } from '../argocd.js';
import { expectOk } from '../probe.js';
import { argoCdBinary, argoCdEnv, argoCdInstall, ensureArgoCdInstalled, redisAddress, repoServerAddress } from './argocdCommon.js';
import type { SandboxPart } from './part.js';

/** Argo CD's API (plain HTTP on loopback); the UI page is a placeholder in the Go module. */
export const argocdServer: SandboxPart = {
  name: 'argocd-server',
  binary: argoCdBinary,
  install: argoCdInstall,
  after: ['kube-apiserver', 'redis', 'argocd-repo-server'],
  ports: (config) => [config.ports.argocdServer, config.ports.argocdServerMetrics],
  endpoint: argoCdUrl,
  args: (context) => [
    `--kubeconfig=${context.layout.argocdKubeconfig}`,
    '--insecure',
    `--address=${context.config.host}`,
    `--port=${context.config.ports.argocdServer}`,
    `--metrics-address=${context.config.host}`,
    `--metrics-port=${context.config.ports.argocdServerMetrics}`,
    `--redis=${redisAddress(context)}`,
    `--repo-server=${repoServerAddress(context)}`,
    '--repo-server-plaintext',
    `--staticassets=${join(context.layout.argocdDir, 'static')}`,
    '--logformat=text',
    '--loglevel=warn',
  ],
  env: (context) => argoCdEnv('argocd-server', context),
  prepare: ensureArgoCdInstalled,
  argoCdWorkload: { kind: 'Deployment', name: 'argocd-server' },
  ready: async ({ config }) => {
    const body = await expectOk(`${argoCdUrl(config)}/api/version`);
    const version = (JSON.parse(body) as { Version?: string }).Version;
    if (!version) throw new Error(`GET /api/version answered ${body.slice(0, 200)}`);
  },
};

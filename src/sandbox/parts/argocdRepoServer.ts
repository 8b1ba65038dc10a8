import { join } from 'node:path';
import { prepareArgoCdFolders } from '../argocd.js';
import { ensureSeededRepo } from '../gitRepo.js';
import { expectOk } from '../probe.js';
import { argoCdBinary, argoCdEnv, argoCdInstall, redisAddress } from './argocdCommon.js';
import type { SandboxPart } from './part.js';

/** Renders manifests from Git; reads the sandbox's stack sources through file://. */
export const argocdRepoServer: SandboxPart = {
  name: 'argocd-repo-server',
  binary: argoCdBinary,
  install: argoCdInstall,
  after: ['redis'],
  ports: (config) => [config.ports.argocdRepoServer, config.ports.argocdRepoServerMetrics],
  endpoint: (config) => `${config.host}:${config.ports.argocdRepoServer}`,
  args: (context) => [
    `--address=${context.config.host}`,
    `--port=${context.config.ports.argocdRepoServer}`,
    `--metrics-address=${context.config.host}`,
    `--metrics-port=${context.config.ports.argocdRepoServerMetrics}`,
    `--redis=${redisAddress(context)}`,
    // Plain gRPC on loopback (the default client CA path would ask for mTLS, which needs TLS).
    '--disable-tls',
    '--client-ca-path=',
    '--logformat=text',
    '--loglevel=warn',
  ],
  env: (context) => argoCdEnv('argocd-repo-server', context),
  prepare: async ({ config, layout, argocd, say }) => {
    await prepareArgoCdFolders(config, layout, argocd);
    const { seeded, revision } = await ensureSeededRepo(layout.gitRepo, join(config.repoRoot, 'manifests/examples'), 'manifests/examples');
    if (seeded) say(`stack sources seeded from manifests/examples into ${layout.gitRepo} (${revision.slice(0, 12)})`);
  },
  ready: async ({ config }) => {
    await expectOk(`http://${config.host}:${config.ports.argocdRepoServerMetrics}/healthz`);
  },
};

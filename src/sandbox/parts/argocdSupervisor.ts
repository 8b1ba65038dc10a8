import { join } from 'node:path';
import { prepareArgoCdFiles } from '../argocd.js';
import { sandboxEnv } from '../config.js';
import { readSupervisorReport } from '../supervisorReport.js';
import type { SandboxPart } from './part.js';

/**
 * Bootstrap mode only: runs the Argo CD controller and server while bootstrap's install of Argo CD is in
 * the cluster, as the cluster would run their Pods (`baton sandbox supervise-argocd`).
 */
export const argocdSupervisor: SandboxPart = {
  name: 'argocd-supervisor',
  binary: process.execPath,
  install: 'it is the Node.js running baton',
  after: ['kube-apiserver', 'redis', 'argocd-repo-server'],
  modes: ['bootstrap'],
  ports: () => [],
  endpoint: (config) => `https://${config.host}:${config.ports.apiserver} (watching for bootstrap's install of Argo CD)`,
  args: ({ config }) => [join(config.repoRoot, 'bin/baton.js'), 'sandbox', 'supervise-argocd'],
  env: ({ config }) => ({ ...process.env, ...sandboxEnv(config) }),
  prepare: async ({ config, layout, argocd }) => {
    await prepareArgoCdFiles(config, layout, argocd);
  },
  ready: async ({ layout }) => {
    const report = await readSupervisorReport(layout);
    if (!report) throw new Error(`no report in ${layout.argocdSupervisorReport} yet`);
  },
};

import { join } from 'node:path';
import { sandboxEnv } from '../config.js';
import { readSupervisorReport } from '../supervisorReport.js';
import type { SandboxPart } from './part.js';

/**
 * Runs each cluster's Argo Rollouts controller while that cluster holds the Argo Rollouts CRDs, as the
 * cluster would run the controller's Pod once bootstrap installs it (`baton sandbox supervise-rollouts`).
 */
export const rolloutsSupervisor: SandboxPart = {
  name: 'rollouts-supervisor',
  binary: process.execPath,
  install: 'it is the Node.js running baton',
  after: ['kube-apiserver'],
  ports: () => [],
  endpoint: (config) => `https://${config.host}:${config.ports.apiserver} (watching every cluster for the Argo Rollouts CRDs)`,
  args: ({ config }) => [join(config.repoRoot, 'bin/baton.js'), 'sandbox', 'supervise-rollouts'],
  env: ({ config }) => ({ ...process.env, ...sandboxEnv(config) }),
  ready: async ({ layout }) => {
    const report = await readSupervisorReport(layout, layout.rolloutsSupervisorReport);
    if (!report) throw new Error(`no report in ${layout.rolloutsSupervisorReport} yet`);
  },
};

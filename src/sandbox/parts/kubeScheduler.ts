import { kubeconfigPath } from '../kubeconfig.js';
import { expectOk } from '../probe.js';
import type { SandboxPart } from './part.js';

export const kubeScheduler: SandboxPart = {
  name: 'kube-scheduler',
  binary: 'kube-scheduler',
  after: ['kube-apiserver'],
  ports: (config) => [config.ports.scheduler],
  endpoint: (config) => `https://${config.host}:${config.ports.scheduler}`,
  args: ({ config, layout }) => [
    `--kubeconfig=${kubeconfigPath(layout, 'kube-scheduler')}`,
    '--leader-elect=false',
    `--bind-address=${config.host}`,
    `--secure-port=${config.ports.scheduler}`,
    `--tls-cert-file=${layout.servingCert}`,
    `--tls-private-key-file=${layout.servingKey}`,
  ],
  ready: async ({ config, ca }) => {
    await expectOk(`https://${config.host}:${config.ports.scheduler}/healthz`, { ca });
  },
};

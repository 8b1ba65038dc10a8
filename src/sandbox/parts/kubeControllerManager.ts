import { kubeconfigPath } from '../kubeconfig.js';
import { expectOk } from '../probe.js';
import type { SandboxPart } from './part.js';

export const kubeControllerManager: SandboxPart = {
  name: 'kube-controller-manager',
  binary: 'kube-controller-manager',
  after: ['kube-apiserver'],
  ports: (config) => [config.ports.controllerManager],
  endpoint: (config) => `https://${config.host}:${config.ports.controllerManager}`,
  args: ({ config, layout }) => [
    `--kubeconfig=${kubeconfigPath(layout, 'kube-controller-manager')}`,
    '--leader-elect=false',
    '--controllers=*',
    // Each controller acts as its own service account, with the rights RBAC's bootstrap roles give it.
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${layout.serviceAccountKey}`,
    `--root-ca-file=${layout.caCert}`,
    `--cluster-signing-cert-file=${layout.caCert}`,
    `--cluster-signing-key-file=${layout.caKey}`,
    '--cluster-name=baton-sandbox',
    `--bind-address=${config.host}`,
    `--secure-port=${config.ports.controllerManager}`,
    `--tls-cert-file=${layout.servingCert}`,
    `--tls-private-key-file=${layout.servingKey}`,
  ],
  ready: async ({ config, ca }) => {
    await expectOk(`https://${config.host}:${config.ports.controllerManager}/healthz`, { ca });
  },
};

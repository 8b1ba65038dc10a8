import { applyCalloutPolicy } from '../calloutPolicy.js';
import { expectOk } from '../probe.js';
import type { SandboxPart } from './part.js';

/** The cluster's service network; pods reach the API server at its first address (in the serving cert). */
export const serviceClusterIpRange = '10.0.0.0/24';

export const kubeApiserver: SandboxPart = {
  name: 'kube-apiserver',
  binary: 'kube-apiserver',
  after: ['etcd'],
  ports: (config) => [config.ports.apiserver],
  endpoint: (config) => `https://${config.host}:${config.ports.apiserver}`,
  args: ({ config, layout }) => [
    `--etcd-servers=http://${config.host}:${config.ports.etcd}`,
    `--bind-address=${config.host}`,
    `--advertise-address=${config.host}`,
    `--secure-port=${config.ports.apiserver}`,
    `--cert-dir=${layout.pkiDir}`,
    `--tls-cert-file=${layout.servingCert}`,
    `--tls-private-key-file=${layout.servingKey}`,
    `--service-cluster-ip-range=${serviceClusterIpRange}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${layout.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${layout.serviceAccountKey}`,
    `--token-auth-file=${layout.tokensFile}`,
    '--authorization-mode=RBAC',
    '--allow-privileged=true',
    // No kubelets and one API server: nothing to reconcile the kubernetes Service's endpoints against.
    '--endpoint-reconciler-type=none',
  ],
  ready: async ({ config, ca, tokens }) => {
    await expectOk(`https://${config.host}:${config.ports.apiserver}/readyz`, { ca, token: tokens.admin });
  },
  afterReady: async ({ config, layout }) => {
    await applyCalloutPolicy(config, layout);
  },
};

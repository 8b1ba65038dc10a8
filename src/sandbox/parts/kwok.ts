import { applyObjects } from '../argocd.js';
import { kubeconfigPath } from '../kubeconfig.js';
import { kwokStorageClass, writeKwokConfig } from '../kwokStages.js';
import { expectOk } from '../probe.js';
import type { SandboxPart } from './part.js';

/** Pod addresses kwok hands out; apart from the service range. */
const podCidr = '10.244.0.0/16';

export const kwok: SandboxPart = {
  name: 'kwok',
  binary: 'kwok',
  after: ['kube-apiserver'],
  ports: (config) => [config.ports.kwok],
  endpoint: (config) => `http://${config.host}:${config.ports.kwok}`,
  args: ({ config, layout }) => [
    `--kubeconfig=${kubeconfigPath(layout, 'kwok')}`,
    `--config=${layout.kwokConfig}`,
    '--manage-all-nodes=true',
    // kwok renews each node's lease, so the node lifecycle controller never marks the nodes unreachable.
    '--node-lease-duration-seconds=40',
    `--cidr=${podCidr}`,
    `--node-ip=${config.host}`,
    `--server-address=${config.host}:${config.ports.kwok}`,
  ],
  prepare: async ({ config, layout }) => ((await writeKwokConfig(config, layout)) ? { restart: 'its stages changed' } : {}),
  ready: async ({ config }) => {
    await expectOk(`http://${config.host}:${config.ports.kwok}/healthz`);
  },
  afterReady: async ({ config, layout }) => {
    await applyObjects(config, layout, [await kwokStorageClass(config, layout)]);
  },
};

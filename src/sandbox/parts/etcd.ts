import { expectOk } from '../probe.js';
import type { SandboxPart } from './part.js';

export const etcd: SandboxPart = {
  name: 'etcd',
  binary: 'etcd',
  after: [],
  ports: (config) => [config.ports.etcd, config.ports.etcdPeer],
  endpoint: (config) => `${config.host}:${config.ports.etcd}`,
  args: ({ config, layout }) => {
    const client = `http://${config.host}:${config.ports.etcd}`;
    const peer = `http://${config.host}:${config.ports.etcdPeer}`;
    return [
      '--name=baton-sandbox',
      `--data-dir=${layout.etcdDataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=baton-sandbox=${peer}`,
      // A throwaway single-member store: durability on power loss is not worth the fsync latency.
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ];
  },
  ready: async ({ config }) => {
    const body = await expectOk(`http://${config.host}:${config.ports.etcd}/health`);
    if (!body.includes('"health":"true"')) throw new Error(`etcd reports ${body.trim()}`);
  },
};

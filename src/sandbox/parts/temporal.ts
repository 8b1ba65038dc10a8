import { configuredCodecEndpoint } from '../../codec/endpoint.js';
import { searchAttributeNames } from '../../workflows/searchAttributeNames.js';
import { expectOk } from '../probe.js';
import type { SandboxPart } from './part.js';

export const temporal: SandboxPart = {
  name: 'temporal',
  binary: 'temporal',
  after: [],
  ports: (config) => [config.ports.temporal, config.ports.temporalUi, config.ports.temporalHttp, config.ports.temporalMetrics],
  endpoint: (config) => `${config.host}:${config.ports.temporal}`,
  args: ({ config, layout }) => [
    'server',
    'start-dev',
    `--ip=${config.host}`,
    `--port=${config.ports.temporal}`,
    `--ui-port=${config.ports.temporalUi}`,
    `--http-port=${config.ports.temporalHttp}`,
    `--metrics-port=${config.ports.temporalMetrics}`,
    `--db-filename=${layout.temporalDb}`,
    ...Object.values(searchAttributeNames).flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
    '--log-level=warn',
    // The UI then decodes payloads through `baton codec-server` (docs/security.md).
    ...(configuredCodecEndpoint() ? [`--ui-codec-endpoint=${configuredCodecEndpoint()}`] : []),
  ],
  // The HTTP API answers for the default namespace once the frontend serves it; the UI is a separate server.
  ready: async ({ config }) => {
    await expectOk(`http://${config.host}:${config.ports.temporalHttp}/api/v1/namespaces/default`);
    await expectOk(`http://${config.host}:${config.ports.temporalUi}/`);
  },
};

import { expectOk } from '../probe.js';
import type { SandboxPart } from './part.js';

/** The search attributes the workflows set (src/workflows/searchAttributes.ts). */
const searchAttributes = ['BatonPlatform', 'BatonEnvironment', 'BatonPhase', 'BatonAuthority'];

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
    ...searchAttributes.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
    '--log-level=warn',
  ],
  // The HTTP API answers for the default namespace once the frontend serves it; the UI is a separate server.
  ready: async ({ config }) => {
    await expectOk(`http://${config.host}:${config.ports.temporalHttp}/api/v1/namespaces/default`);
    await expectOk(`http://${config.host}:${config.ports.temporalUi}/`);
  },
};

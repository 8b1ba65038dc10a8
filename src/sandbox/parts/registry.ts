import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import type { SandboxConfig } from '../config.js';
import type { SandboxLayout } from '../layout.js';
import { expectOk } from '../probe.js';
import type { SandboxPart } from './part.js';

/** distribution's configuration: plain HTTP on loopback, charts on disk in the state folder. */
function registryConfig(config: SandboxConfig, layout: SandboxLayout): object {
  return {
    version: 0.1,
    log: { level: 'warn', formatter: 'text' },
    storage: { filesystem: { rootdirectory: layout.registryDir }, delete: { enabled: true } },
    http: { addr: `${config.host}:${config.ports.registry}` },
  };
}

/** The chart registry: an OCI registry (distribution) that Argo CD reads as a Helm repository. */
export const registry: SandboxPart = {
  name: 'registry',
  binary: 'registry',
  after: [],
  ports: (config) => [config.ports.registry],
  endpoint: (config) => `http://${config.host}:${config.ports.registry}`,
  args: ({ layout }) => ['serve', layout.registryConfig],
  prepare: async ({ config, layout }) => {
    await mkdir(layout.registryDir, { recursive: true, mode: 0o700 });
    await mkdir(dirname(layout.registryConfig), { recursive: true });
    await writeFile(layout.registryConfig, stringify(registryConfig(config, layout)));
  },
  // The OCI distribution API's base endpoint answers 200 once the registry serves.
  ready: async ({ config }) => {
    await expectOk(`http://${config.host}:${config.ports.registry}/v2/`);
  },
};

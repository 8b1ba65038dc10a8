import { readFile } from 'node:fs/promises';
import type { SandboxConfig } from './config.js';
import { sandboxLayout, type SandboxLayout } from './layout.js';
import { sandboxParts, type PartName } from './parts/index.js';
import { readPidRecord, isRunning, logFilePath, residentMiB } from './processes.js';
import { httpGet } from './probe.js';
import { readRecord, recordedConfig } from './record.js';

export interface PartStatus {
  name: PartName;
  /** The pid the part was started with; null when it was never started (or `down` stopped it). */
  pid: number | null;
  running: boolean;
  rssMiB: number | null;
  endpoint: string;
  log: string;
}

export interface SandboxStatus {
  stateDir: string;
  kubeconfig: string;
  kubernetes: { server: string; version: string | null };
  temporal: { address: string; namespace: string; ui: string };
  parts: PartStatus[];
  /** Every part runs. */
  running: boolean;
  coldStartSeconds: number | null;
}

async function partStatuses(config: SandboxConfig, layout: SandboxLayout): Promise<PartStatus[]> {
  return Promise.all(
    sandboxParts.map(async (part) => {
      const record = await readPidRecord(layout, part.name);
      const running = record !== undefined && isRunning(record);
      return {
        name: part.name,
        pid: record?.pid ?? null,
        running,
        rssMiB: running && record ? (residentMiB(record.pid) ?? null) : null,
        endpoint: part.endpoint(config),
        log: logFilePath(layout, part.name),
      };
    }),
  );
}

/** The API server's own version (GET /version), or null when it does not answer. */
async function kubernetesVersion(server: string, layout: SandboxLayout): Promise<string | null> {
  try {
    const ca = await readFile(layout.caCert, 'utf8');
    const { status, body } = await httpGet(`${server}/version`, { ca, timeoutMs: 2_000 });
    return status === 200 ? ((JSON.parse(body) as { gitVersion?: string }).gitVersion ?? null) : null;
  } catch {
    return null;
  }
}

/** What runs, where to reach it, and how much memory each part holds; a dead part shows as not running. */
export async function sandboxStatus(baseConfig: SandboxConfig): Promise<SandboxStatus> {
  const layout = sandboxLayout(baseConfig);
  const config = await recordedConfig(baseConfig, layout);
  const parts = await partStatuses(config, layout);
  const server = `https://${config.host}:${config.ports.apiserver}`;
  const apiserverRunning = parts.some((part) => part.name === 'kube-apiserver' && part.running);
  return {
    stateDir: layout.stateDir,
    kubeconfig: layout.kubeconfig,
    kubernetes: { server, version: apiserverRunning ? await kubernetesVersion(server, layout) : null },
    temporal: {
      address: `${config.host}:${config.ports.temporal}`,
      namespace: 'default',
      ui: `http://${config.host}:${config.ports.temporalUi}`,
    },
    parts,
    running: parts.every((part) => part.running),
    coldStartSeconds: (await readRecord(layout))?.coldStartSeconds ?? null,
  };
}

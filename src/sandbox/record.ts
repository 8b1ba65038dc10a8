import { readFile, writeFile } from 'node:fs/promises';
import { defaultClusters, type ArgoCdMode, type SandboxConfig, type SandboxPorts } from './config.js';
import type { SandboxLayout } from './layout.js';

/** What `up` leaves behind for `status` and `down`: the ports it used and how long a cold start took. */
export interface SandboxRecord {
  ports: SandboxPorts;
  /** How its Argo CD comes about (records written before the modes existed: preinstalled). */
  argocdMode?: ArgoCdMode;
  /** The clusters it runs, the hub first (records written before there were several: one). */
  clusters?: string[];
  /** Seconds from nothing running to every part ready, measured by the last up that started everything. */
  coldStartSeconds: number | null;
  /** When the last up finished. */
  upAt: string;
}

export async function readRecord(layout: SandboxLayout): Promise<SandboxRecord | undefined> {
  try {
    return JSON.parse(await readFile(layout.recordFile, 'utf8')) as SandboxRecord;
  } catch {
    return undefined;
  }
}

export async function writeRecord(layout: SandboxLayout, record: SandboxRecord): Promise<void> {
  await writeFile(layout.recordFile, `${JSON.stringify(record, null, 2)}\n`);
}

/** The Argo CD mode a record was written with (records from before the modes existed: preinstalled). */
function recordedMode(record: SandboxRecord): ArgoCdMode {
  return record.argocdMode ?? 'preinstalled';
}

export type RecordedConfig = SandboxConfig & { argocdMode: ArgoCdMode; clusters: string[] };

/**
 * The configuration a running sandbox was started with: its recorded ports, Argo CD mode and clusters win
 * over the environment's; the mode and the clusters are always set.
 */
export async function recordedConfig(config: SandboxConfig, layout: SandboxLayout): Promise<RecordedConfig> {
  const record = await readRecord(layout);
  if (!record) return { ...config, argocdMode: config.argocdMode ?? 'preinstalled', clusters: config.clusters ?? defaultClusters };
  // Ports of parts added since that up come from the environment.
  return {
    ...config,
    ports: { ...config.ports, ...record.ports },
    argocdMode: recordedMode(record),
    clusters: record.clusters ?? defaultClusters,
  };
}

/** The Argo CD mode the sandbox in this state folder was last brought up with; undefined before its first up. */
export async function lastArgoCdMode(layout: SandboxLayout): Promise<ArgoCdMode | undefined> {
  const record = await readRecord(layout);
  return record && recordedMode(record);
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, hostname, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import type { PlatformResult } from './platformBench.js';

/** Flux's kustomize-controller re-checks a dependency that is not ready every 30 s (--requeue-dependency): a documented reference, not a measurement. */
export const fluxRequeueDependencyMs = 30_000;

export interface Machine {
  host: string;
  os: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  node: string;
  /** The 1-minute load average when the bench began; above `cores`, other work shared the machine. */
  loadAverage: number;
  underLoad: boolean;
}

export function describeMachine(): Machine {
  const cpu = cpus();
  const load = Math.round(loadavg()[0]! * 10) / 10;
  return {
    host: hostname(),
    os: `${type()} ${release()}`,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeMemoryGiB: Math.round(freemem() / 2 ** 30),
    node: process.version,
    loadAverage: load,
    underLoad: load > cpu.length,
  };
}

/** Flux's floor for the platform under the same delays: every level after the first waits up to one requeue. */
export const fluxReferenceMs = (p: PlatformResult) => p.boundMs + fluxRequeueDependencyMs * Math.max(0, p.levels - 1);

const s = (ms: number | null | undefined) =>
  ms === null || ms === undefined || !Number.isFinite(ms) ? '–' : `${(ms / 1000).toFixed(1)} s`;
const ms = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${Math.round(v)} ms`);
const n = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : String(v));

export const tableColumns = [
  'platform',
  'stacks',
  'levels',
  'bound',
  'Baton',
  'Argo CD',
  'Baton / Argo CD',
  'overhead',
  'overhead / level',
  'detection p50 / p95',
  'Argo CD detection p50 / p95',
  'parent events',
  'largest child events',
  'worker peak RSS',
  'parent replay',
  'Flux reference',
] as const;

/** The platforms as a Markdown table, errors listed under it. */
export function markdownTable(platforms: PlatformResult[]): string {
  const rows = platforms.map((p) => [
    p.name,
    String(p.stacks),
    String(p.levels),
    s(p.boundMs),
    s(p.batonMakespanMs),
    s(p.argocdMakespanMs),
    n(p.ratio),
    s(p.overheadMs),
    ms(p.overheadPerLevelMs),
    p.baton ? `${ms(p.baton.detectionP50Ms)} / ${ms(p.baton.detectionP95Ms)}` : '–',
    p.argocd ? `${ms(p.argocd.detectionP50Ms)} / ${ms(p.argocd.detectionP95Ms)}` : '–',
    n(p.baton?.parentEvents),
    n(p.baton?.largestChildEvents),
    p.baton ? `${p.baton.workerPeakRssMiB} MiB` : '–',
    ms(p.baton?.parentReplayMs),
    `≥ ${s(fluxReferenceMs(p))}`,
  ]);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const errors = platforms.flatMap((p) => p.errors.map((e) => `- ${p.name}: ${e}`));
  return [
    line(tableColumns),
    line(tableColumns.map(() => '---')),
    ...rows.map(line),
    '',
    `Flux reference: the bound plus one ${fluxRequeueDependencyMs / 1000} s dependency requeue per level after the first (documented default, not measured).`,
    ...(errors.length ? ['', 'Stopped:', ...errors] : []),
  ].join('\n');
}

/** Writes bench/results/<date>.json; returns its path. */
export function writeResults(dir: string, report: { machine: Machine; [key: string]: unknown }): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/:/g, '-').replace(/\..*/, '')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

import { readFile, writeFile } from 'node:fs/promises';
import type { SandboxLayout } from './layout.js';

/** What a supervisor (Argo CD's, or Argo Rollouts') last found and did, for `baton sandbox status`. */
export interface SupervisorReport {
  pid: number;
  /** waiting: bootstrap has not installed Argo CD (or teardown removed it); running: the processes run. */
  state: 'waiting' | 'starting' | 'running' | 'failing';
  detail: string;
  at: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The report of a supervisor that still runs; undefined otherwise. */
export async function readSupervisorReport(
  layout: SandboxLayout,
  file = layout.argocdSupervisorReport,
): Promise<SupervisorReport | undefined> {
  try {
    const report = JSON.parse(await readFile(file, 'utf8')) as SupervisorReport;
    return alive(report.pid) ? report : undefined;
  } catch {
    return undefined;
  }
}

export async function writeSupervisorReport(
  layout: SandboxLayout,
  report: Omit<SupervisorReport, 'pid' | 'at'>,
  file = layout.argocdSupervisorReport,
): Promise<void> {
  const full: SupervisorReport = { pid: process.pid, ...report, at: new Date().toISOString() };
  await writeFile(file, `${JSON.stringify(full, null, 2)}\n`);
}

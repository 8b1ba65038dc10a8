import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxConfig } from '../src/sandbox/config.js';
import { partContext, startPart, stopRecorded } from '../src/sandbox/lifecycle.js';
import { partNamed, type PartName } from '../src/sandbox/parts/index.js';
import { forgetProcess, isRunning, readPidRecord } from '../src/sandbox/processes.js';

export interface PartOutage {
  /** SIGKILL: the part dies as in a crash; SIGTERM: it stops as in a planned restart. */
  signal: 'SIGKILL' | 'SIGTERM';
  /** How long it stays down before it is started again. */
  downMs: number;
}

function named(name: PartName) {
  const part = partNamed(name);
  if (!part) throw new Error(`no sandbox part ${name}`);
  return part;
}

/** Stops a running sandbox part: SIGKILL as in a crash, SIGTERM as in a planned stop. */
export async function stopPart(
  config: SandboxConfig,
  name: PartName,
  signal: PartOutage['signal'],
  say: (line: string) => void,
): Promise<void> {
  const context = await partContext(config, say);
  const record = await readPidRecord(context.layout, name);
  if (!record || !isRunning(record)) throw new Error(`${name} is not running: the drill needs the whole sandbox up`);
  if (signal === 'SIGTERM') await stopRecorded(context.layout, [name], say);
  else {
    process.kill(-record.pid, 'SIGKILL');
    while (isRunning(record)) await sleep(50);
    await forgetProcess(context.layout, name);
  }
}

/** Starts a stopped sandbox part again, until it is ready. */
export async function startPartAgain(config: SandboxConfig, name: PartName, say: (line: string) => void): Promise<void> {
  await startPart(named(name), await partContext(config, say), say);
}

/** Stops a running sandbox part the way `outage` says, keeps it down, and starts it again until it is ready. */
export async function restartPart(config: SandboxConfig, name: PartName, outage: PartOutage, say: (line: string) => void): Promise<void> {
  await stopPart(config, name, outage.signal, say);
  await sleep(outage.downMs);
  await startPartAgain(config, name, say);
}

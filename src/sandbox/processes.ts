import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, readlinkSync, writeSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxLayout } from './layout.js';

/** What a pid file holds: enough to tell our process from another that reused its pid. */
export interface PidRecord {
  pid: number;
  command: string;
  startedAt: string;
}

export function pidFilePath(layout: SandboxLayout, part: string): string {
  return join(layout.pidsDir, `${part}.pid`);
}

export function logFilePath(layout: SandboxLayout, part: string): string {
  return join(layout.logsDir, `${part}.log`);
}

export async function readPidRecord(layout: SandboxLayout, part: string): Promise<PidRecord | undefined> {
  try {
    return JSON.parse(await readFile(pidFilePath(layout, part), 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** The fields of /proc/PID/stat after the command name: [state, ppid, pgrp, ...]. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** True when the pid still runs the recorded command (a dead part's pid may belong to someone else by now). */
export function isRunning(record: PidRecord): boolean {
  if (!alive(record.pid)) return false;
  try {
    return readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0')[0] === record.command;
  } catch {
    return false;
  }
}

/** Resident memory from /proc/PID/status (VmRSS), in MiB. */
export function residentMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Live processes in the process group (each part leads its own group, and so do its children). */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      const fields = statFields(pid);
      return fields !== undefined && Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X';
    });
}

/** The process's working folder, with a trailing slash ('' when it cannot be read). */
function workingFolder(pid: number): string {
  try {
    return `${readlinkSync(`/proc/${pid}/cwd`)}/`;
  } catch {
    return '';
  }
}

/**
 * Live processes started from the tools folder (or one of the given folders or programs) whose command
 * line or working folder mentions the text (a state folder, where every part runs): what `down` must
 * leave none of, whether or not a pid file still names them.
 */
export function processesMentioning(commands: string | string[], text: string): { pid: number; command: string }[] {
  const sources = typeof commands === 'string' ? [commands] : commands;
  const fromSandbox = (command: string) => sources.some((source) => command === source || command.startsWith(`${source}/`));
  const found: { pid: number; command: string }[] = [];
  for (const pid of readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const command = argv[0] ?? '';
    if (fromSandbox(command) && (argv.some((arg) => arg.includes(text)) || workingFolder(pid).startsWith(text)) && alive(pid)) {
      found.push({ pid, command });
    }
  }
  return found;
}

/**
 * Starts a part detached, in its own process group, with stdout and stderr appended to its log,
 * and records its pid: it outlives the command that started it until `down` stops it.
 */
export async function startProcess(
  layout: SandboxLayout,
  part: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<PidRecord> {
  await mkdir(layout.logsDir, { recursive: true });
  await mkdir(layout.pidsDir, { recursive: true });
  const log = openSync(logFilePath(layout, part), 'a');
  try {
    writeSync(log, `\n=== ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, { cwd: layout.stateDir, env, detached: true, stdio: ['ignore', log, log] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    const record: PidRecord = { pid: child.pid ?? 0, command, startedAt: new Date().toISOString() };
    await writeFile(pidFilePath(layout, part), JSON.stringify(record));
    return record;
  } finally {
    closeSync(log);
  }
}

export type StopOutcome = 'not running' | 'stopped' | 'killed';

/** SIGTERM to the part's process group, SIGKILL to whatever is left after the grace period. */
export async function stopProcess(record: PidRecord, graceMs: number): Promise<StopOutcome> {
  // A dead leader may have left children in its group: they are stopped too.
  if (!isRunning(record) && groupMembers(record.pid).length === 0) return 'not running';
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-record.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (groupMembers(record.pid).length === 0) return 'stopped';
    await sleep(100);
  }
  signalGroup('SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (groupMembers(record.pid).length > 0) {
    if (Date.now() > killDeadline) throw new Error(`pid ${record.pid} (${record.command}) survived SIGKILL`);
    await sleep(50);
  }
  return 'killed';
}

export async function forgetProcess(layout: SandboxLayout, part: string): Promise<void> {
  await rm(pidFilePath(layout, part), { force: true });
}

/** The last lines of a part's log, for error messages. */
export async function logTail(layout: SandboxLayout, part: string, lines: number): Promise<string[]> {
  const text = await readFile(logFilePath(layout, part), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).slice(-lines);
}

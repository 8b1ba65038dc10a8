import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseEvent, type PlaybookEvent } from './events.js';

export interface PlaybookProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborting stops ansible-playbook and everything it started. */
  signal?: AbortSignal;
  killGraceMs: number;
  onEvent: (event: PlaybookEvent) => void;
}

export interface PlaybookExit {
  code: number | null;
  /** The last lines of output that were not events (Ansible's warnings and errors). */
  outputTail: string[];
}

const tailLines = 20;

/**
 * Runs ansible-playbook in its own process group, passing each event line to onEvent. On abort the
 * whole group gets SIGTERM, then SIGKILL after the grace period: the modules Ansible forks must stop too.
 */
export function runPlaybookProcess(options: PlaybookProcessOptions): Promise<PlaybookExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const outputTail: string[] = [];
    const keep = (line: string) => {
      if (!line.trim()) return;
      outputTail.push(line);
      if (outputTail.length > tailLines) outputTail.shift();
    };
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = parseEvent(line);
      if (event) options.onEvent(event);
      else keep(line);
    });
    createInterface({ input: child.stderr }).on('line', keep);

    let killTimer: NodeJS.Timeout | undefined;
    let stopping = false;
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const stop = () => {
      stopping = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.killGraceMs);
    };
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });

    child.on('error', (err) => {
      options.signal?.removeEventListener('abort', stop);
      reject(err);
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', stop);
      if (killTimer) clearTimeout(killTimer);
      // Whatever of the group outlived ansible-playbook (a module it forked) goes with it.
      if (stopping) killGroup('SIGKILL');
      resolve({ code, outputTail });
    });
  });
}

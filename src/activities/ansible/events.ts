/** The JSON lines ansible/callback_plugins/baton_events.py prints, one per playbook event. */

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface TaskStartEvent {
  event: 'task';
  role: string;
  task: string;
}

export interface TaskResultEvent {
  event: 'result';
  role: string;
  task: string;
  status: TaskStatus;
  msg?: string;
  item?: string;
  ignored?: boolean;
}

export interface StatsEvent {
  event: 'stats';
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped: number;
  /** What the playbook reported with set_stats (ansible/teardown.yml: baton_kept_argocd). */
  data?: Record<string, unknown>;
}

export type PlaybookEvent = TaskStartEvent | TaskResultEvent | StatsEvent;

const eventNames = new Set(['task', 'result', 'stats']);

/** The event on a line of output, or undefined for anything else Ansible prints. */
export function parseEvent(line: string): PlaybookEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && eventNames.has((value as { event?: string }).event ?? '')) {
      return value as PlaybookEvent;
    }
  } catch {
    // Not one of ours: Ansible's own output may start with a brace too.
  }
  return undefined;
}

/** Ansible's own way of naming a task: `TASK [role : name]`. */
export function taskLabel(event: TaskStartEvent | TaskResultEvent): string {
  return event.role ? `TASK [${event.role} : ${event.task}]` : `TASK [${event.task}]`;
}

/** The heartbeat for an event: `TASK [argocd : Install CRDs] ok`, with the loop item when there is one. */
export function describeEvent(event: TaskStartEvent | TaskResultEvent): string {
  if (event.event === 'task') return `${taskLabel(event)} started`;
  return `${taskLabel(event)}${event.item ? ` (${event.item})` : ''} ${event.status}`;
}

import { formatDuration } from '../spec/duration.js';
import type { LedgerEntry, LifecycleState } from '../workflows/state.js';
import { stackDuration } from './stackTiming.js';
import { textTable } from './textTable.js';

/** How many of the latest steady-state events the status shows; `--json` has all the run keeps. */
const shownSteadyStateEvents = 5;

/** An authority handoff as the status and the watch print it: `platform: bootstrap -> orchestration  reason`. */
export function ledgerEntryText(e: LedgerEntry): string {
  return `${e.concern}: ${e.from} -> ${e.to}${e.accepted ? '' : ' REJECTED'}  ${e.reason}${e.rejection ? ` (${e.rejection})` : ''}`;
}

/** The latest of what Argo CD reported in steady state, newest last. */
function steadyStateLines(state: LifecycleState): string[] {
  const events = state.steadyStateEvents;
  if (events.length === 0) return [];
  const shown = events.slice(-shownSteadyStateEvents);
  return [
    '',
    `steady-state events (${shown.length < events.length ? `latest ${shown.length} of ${events.length}` : events.length}):`,
    ...shown.map((e) => `  ${e.at}  ${e.stack}: ${e.health}/${e.sync}  ${e.message}`),
  ];
}

/** The state of a run for people: phase, authority, what it waits for, its freight, each stack, the latest steady-state events, the ledger. */
export function renderState(state: LifecycleState, now = Date.now()): string {
  const counts = new Map<string, number>();
  for (const s of state.stacks) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const lines = [
    `${state.workflowId}  phase ${state.phase.number} (${state.phase.name})  authority: ${state.authority.platform}  ${state.outcome}  for ${formatDuration(now - Date.parse(state.startedAt))}`,
    `stacks: ${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}`,
  ];
  if (state.error) lines.push(`error: ${state.error}`);
  if (state.waitingFor) lines.push(`waiting for: ${state.waitingFor}`);
  if (state.freight) lines.push(`freight: ${state.freight.id} (${state.freight.revision}) since ${state.freight.deployedAt}`);
  if (state.promotion) lines.push(`promotion: ${state.promotion.id} holds authority, moving freight ${state.promotion.freight}`);
  lines.push(
    '',
    ...textTable(
      [
        ['STACK', 'STATUS', 'ATTEMPTS', 'TIME', 'MESSAGE'],
        ...state.stacks.map((s) => [s.name, s.status, String(s.attempts), stackDuration(s, now), s.message ?? '']),
      ],
      '  ',
    ),
    ...steadyStateLines(state),
    '',
    'authority ledger:',
    ...state.ledger.map((e) => `  ${e.at}  ${ledgerEntryText(e)}`),
  );
  return lines.join('\n');
}

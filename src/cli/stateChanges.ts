import { isDeepStrictEqual } from 'node:util';
import type { LedgerEntry, LifecycleState, Phase, StackState } from '../workflows/state.js';
import { ledgerEntryText } from './renderState.js';
import { planCounts } from './specChangeText.js';
import { isInProgress, isResult, stackDuration } from './stackTiming.js';

/** Local wall-clock time of a moment, as an operator reads it beside the run: 08:31:02. */
export function clockTime(at: string | number): string {
  return new Date(at).toTimeString().slice(0, 8);
}

const phaseText = (p: Phase) => `${p.number} (${p.name})`;

/** The moment the run recorded for a stack's status: the end of its action, or its start; else when it was seen. */
function stackMoment(stack: StackState, now: number): number {
  const recorded = isResult(stack.status) ? stack.finishedAt : isInProgress(stack.status) ? stack.startedAt : null;
  return recorded ? Date.parse(recorded) : now;
}

function stackLine(before: StackState | undefined, after: StackState, nameWidth: number, now: number): string {
  const status = before && before.status !== after.status ? `${before.status} -> ${after.status}` : after.status;
  const fields = [
    clockTime(stackMoment(after, now)),
    after.name.padEnd(nameWidth),
    status,
    isInProgress(after.status) && after.attempts > 1 ? `attempt ${after.attempts}` : '',
    isResult(after.status) ? stackDuration(after, now) : '',
    after.message ?? '',
  ];
  return fields.filter(Boolean).join('  ').trimEnd();
}

/** A day-2 change the run started, applied or parked: `08:31:02  change by ana: applying (1 to add, ...)  reason`. */
function specChangeLine(before: LifecycleState['change'], after: LifecycleState['change'], now: number): string | undefined {
  if (!after || isDeepStrictEqual(before, after)) return undefined;
  const at = clockTime(after.finishedAt ?? after.startedAt ?? now);
  const what = after.status === 'failed' ? 'failed: the run waits for resume' : after.status;
  return `${at}  change by ${after.requestedBy ?? 'an operator'}: ${what} (${planCounts(after.plan)})${after.reason ? `  ${after.reason}` : ''}`;
}

const stackChanged = (before: StackState | undefined, after: StackState) =>
  !before || before.status !== after.status || before.attempts !== after.attempts || before.message !== after.message;

/**
 * What changed between two polls of a run, one line each, for people watching it:
 * `08:31:02  cert-manager  deploying -> healthy  14.2s`. Lines come in the order things happen
 * within one workflow task: stacks that finished, the phase change, authority handoffs, stacks that
 * started (or changed otherwise), what Argo CD reported in steady state, then what the run waits for;
 * a day-2 change first when it starts, and before what the run waits for when it ends;
 * the stacks of each group in the order the run recorded them.
 */
export function stateChanges(before: LifecycleState, after: LifecycleState, now = Date.now()): string[] {
  const previous = new Map(before.stacks.map((s) => [s.name, s]));
  const nameWidth = Math.max(0, ...after.stacks.map((s) => s.name.length));
  const changed = after.stacks
    .filter((s) => stackChanged(previous.get(s.name), s))
    .sort((a, b) => stackMoment(a, now) - stackMoment(b, now));
  const line = (s: StackState) => stackLine(previous.get(s.name), s, nameWidth, now);
  const handoffs: LedgerEntry[] = after.ledger.slice(before.ledger.length);
  const seenEvents = new Set(before.steadyStateEvents.map((e) => JSON.stringify(e)));

  const specChange = specChangeLine(before.change, after.change, now);
  const starting = after.change?.status === 'applying';
  const lines = [...(specChange && starting ? [specChange] : []), ...changed.filter((s) => isResult(s.status)).map(line)];
  if (before.phase.number !== after.phase.number) {
    lines.push(`${clockTime(handoffs[0]?.at ?? now)}  phase ${phaseText(before.phase)} -> ${phaseText(after.phase)}`);
  }
  lines.push(...handoffs.map((e) => `${clockTime(e.at)}  authority ${ledgerEntryText(e)}`));
  lines.push(...changed.filter((s) => !isResult(s.status)).map(line));
  for (const e of after.steadyStateEvents.filter((e) => !seenEvents.has(JSON.stringify(e)))) {
    lines.push(`${clockTime(e.at)}  ${e.stack.padEnd(nameWidth)}  Argo CD: ${e.health}/${e.sync}  ${e.message}`.trimEnd());
  }
  if (specChange && !starting) lines.push(specChange);
  const seen = clockTime(now);
  if (after.error !== before.error) lines.push(after.error ? `${seen}  error: ${after.error}` : `${seen}  error cleared`);
  if (after.waitingFor !== before.waitingFor) {
    lines.push(after.waitingFor ? `${seen}  waiting for: ${after.waitingFor}` : `${seen}  no longer waiting for: ${before.waitingFor}`);
  }
  if (after.outcome !== before.outcome) lines.push(`${seen}  run ${before.outcome} -> ${after.outcome}`);
  return lines;
}

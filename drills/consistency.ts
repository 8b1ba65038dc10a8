import type { LifecycleState, StackStatus } from '../src/workflows/state.js';

/** What a trial's samples of the state query must show: its stacks only move forward, through these steps. */
export interface ExpectedProgress {
  /** The stacks the trial deploys or deletes. */
  stacks: string[];
  /** The statuses they pass through, in order; any other status of theirs is inconsistent. */
  statuses: readonly StackStatus[];
  /** The phases the run passes through, in order. */
  phases: readonly number[];
}

export const deployProgress = (stacks: string[]): ExpectedProgress => ({
  stacks,
  statuses: ['pending', 'deploying', 'healthy'],
  // A day-2 change takes the run from steady state back to orchestration, then to steady state again.
  phases: [3, 2, 3],
});

export const teardownProgress = (stacks: string[]): ExpectedProgress => ({
  stacks,
  // A stack starting its delete is pending first (restartStack), as every new action of a stack starts.
  statuses: ['healthy', 'pending', 'deleting', 'deleted'],
  phases: [3, 4],
});

/**
 * Everything in these successive samples of the state query that a run which lost or invented state would show:
 * a stack going back a step, a stack of the trial vanishing once it appeared, a name twice, the phase going back.
 * Samples the query could not answer (undefined: Temporal or the worker away) are skipped, not counted.
 */
export function inconsistencies(samples: (LifecycleState | undefined)[], expected: ExpectedProgress): string[] {
  const found: string[] = [];
  // One finding per kind and stack: a stack failed for a minute is one finding, not one per sample.
  const seen = new Set<string>();
  const report = (at: string, finding: string) => {
    if (!seen.has(finding)) found.push(`${at}: ${finding}`);
    seen.add(finding);
  };
  const reached = new Map<string, number>();
  let phaseStep = 0;
  samples.forEach((state, index) => {
    if (!state) return;
    const at = `sample ${index + 1}`;
    const names = state.stacks.map((s) => s.name);
    if (new Set(names).size !== names.length) report(at, `a stack is listed twice (${names.join(', ')})`);
    const step = expected.phases.indexOf(state.phase.number, phaseStep);
    if (step === -1) report(at, `phase ${state.phase.number} after ${expected.phases.slice(0, phaseStep + 1).join(' → ')}`);
    else phaseStep = step;
    for (const name of expected.stacks) {
      const stack = state.stacks.find((s) => s.name === name);
      if (!stack) {
        if (reached.has(name)) report(at, `stack ${name} is gone from the state`);
        continue;
      }
      const rank = expected.statuses.indexOf(stack.status);
      const before = reached.get(name) ?? 0;
      if (rank === -1) report(at, `stack ${name} is ${stack.status}, not one of ${expected.statuses.join(', ')}`);
      else if (rank < before) report(at, `stack ${name} went back from ${expected.statuses[before]} to ${stack.status}`);
      else reached.set(name, rank);
      if (rank === -1 && !reached.has(name)) reached.set(name, 0);
    }
  });
  return found;
}

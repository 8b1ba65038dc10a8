import { condition, setCurrentDetails } from '@temporalio/workflow';
import type { LifecycleState } from './state.js';

/** What the Temporal UI's workflow page shows of a lifecycle run, as Markdown: phase, authority, stacks by status, what it waits for. */
export function lifecycleDetails(state: LifecycleState): string {
  const byStatus = new Map<string, string[]>();
  for (const s of state.stacks) byStatus.set(s.status, [...(byStatus.get(s.status) ?? []), s.name]);
  const stacks = [...byStatus].map(([status, names]) => `- ${status} (${names.length}): ${names.join(', ')}`);
  return [
    `**Phase ${state.phase.number} (${state.phase.name})** · authority: **${state.authority.platform}** · ${state.outcome}`,
    '',
    `Waiting for: ${state.waitingFor ?? 'nothing'}`,
    ...(state.error ? ['', `Error: ${state.error}`] : []),
    ...(state.freight ? ['', `Freight: ${state.freight.id} (${state.freight.revision.slice(0, 12)})`] : []),
    '',
    `Stacks (${state.stacks.length}):`,
    ...stacks,
  ].join('\n');
}

/**
 * Keeps the run's current details in step with its state for as long as it runs: the condition is checked
 * after every activation and schedules no command, so the histories' command sequence stays as it was.
 */
export function keepCurrentDetails(state: LifecycleState): void {
  void (async () => {
    for (;;) {
      const shown = lifecycleDetails(state);
      setCurrentDetails(shown);
      await condition(() => lifecycleDetails(state) !== shown);
    }
  })();
}

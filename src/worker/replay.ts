import { readFile } from 'node:fs/promises';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { configuredDataConverter } from '../codec/dataConverter.js';
import { workflowCodeFor } from './workflowsPath.js';

export interface ReplayOutcome {
  name: string;
  workflowId: string;
  ok: boolean;
  /** What diverged, as the SDK reports it (a DeterminismViolationError naming the event and the command it expected). */
  error?: Error;
}

export interface NamedHistory {
  name: string;
  history: temporal.api.history.v1.IHistory;
}

/** Reads a history exported as JSON (by `baton history`, `temporal workflow show -o json` or the UI). */
export async function readHistoryFile(file: string): Promise<NamedHistory> {
  const json: unknown = JSON.parse(await readFile(file, 'utf8'));
  return { name: file, history: historyFromJSON(json) };
}

/**
 * Replays recorded histories against workflow code (the current code unless given the module of
 * other code): a run that would take another path today fails with the diverging event.
 */
export async function replayHistories(histories: NamedHistory[], workflowsPath?: string): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  const named = histories.map((h, i) => ({ workflowId: `replay-${i}`, history: h.history }));
  const dataConverter = configuredDataConverter();
  const results = Worker.runReplayHistories(
    {
      ...(workflowsPath ? { workflowsPath } : workflowCodeFor(dataConverter)),
      ...(dataConverter ? { dataConverter } : {}),
      replayName: 'baton-replay',
    },
    named,
  );
  for await (const result of results) {
    const index = Number(result.workflowId.replace('replay-', ''));
    outcomes.push({
      name: histories[index]!.name,
      workflowId: result.workflowId,
      ok: result.error === undefined,
      ...(result.error ? { error: result.error } : {}),
    });
  }
  return outcomes;
}

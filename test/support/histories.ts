import { mkdir, writeFile } from 'node:fs/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { repoRoot } from './tools.js';

export const historiesDir = `${repoRoot}test/fixtures/histories`;

/** With BATON_RECORD_FIXTURES=1, saves a run's history as a replay fixture. */
export async function saveHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.BATON_RECORD_FIXTURES !== '1') return;
  await mkdir(historiesDir, { recursive: true });
  await writeFile(`${historiesDir}/${name}.json`, historyToJSON(await handle.fetchHistory()));
}

import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readHistoryFile, replayHistories } from '../../src/worker/replay.js';
import { installRuntimeLogger } from '../../src/worker/runtime.js';
import { historiesDir } from '../support/histories.js';

const changedWorkflows = fileURLToPath(new URL('../replay/changedWorkflows.ts', import.meta.url));

async function recordedHistories() {
  const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length >= 2, `expected recorded histories in ${historiesDir}`);
  return Promise.all(files.map((f) => readHistoryFile(`${historiesDir}/${f}`)));
}

describe('replay of recorded lifecycle histories', () => {
  before(() => installRuntimeLogger('ERROR'));

  it('replays every recorded history against the current workflow code', async () => {
    const outcomes = await replayHistories(await recordedHistories());
    for (const o of outcomes) assert.ok(o.ok, `${o.name} no longer replays: ${o.error?.message}`);
  });

  it('fails replay for a deliberately changed workflow, naming what diverged', async () => {
    const outcomes = await replayHistories(await recordedHistories(), changedWorkflows);
    assert.ok(outcomes.length >= 2);
    for (const o of outcomes) {
      assert.equal(o.ok, false, `${o.name} replayed against changed code`);
      assert.ok(o.error instanceof DeterminismViolationError, `${o.name}: expected a DeterminismViolationError, got ${String(o.error)}`);
      // What people read: the error names the command that diverged (the deliberate timer).
      assert.match(o.error.message, /Timer/i);
    }
  });
});

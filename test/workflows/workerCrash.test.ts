import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { teardownUpdate } from '../../src/workflows/definitions.js';
import type { ActivityCall } from '../support/doubles.js';
import { startLifecycle, uniqueName, waitForState } from '../support/harness.js';
import { platformDocument, randomDag } from '../support/specs.js';
import { startTemporal } from '../support/temporal.js';
import { repoRoot } from '../support/tools.js';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

function startWorkerProcess(prefix: string, callsFile: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/workerProcess.ts'], {
    cwd: repoRoot,
    env: { ...process.env, TEMPORAL_ADDRESS: env.address, BATON_TEST_PREFIX: prefix, BATON_TEST_CALLS: callsFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
  });
}

/** SIGTERM (the worker drains and exits), then SIGKILL if it is still there after 10 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

describe('a worker stopped hard mid-run', () => {
  it('lets a new worker finish the run without deploying any stack twice', { timeout: 180_000 }, async () => {
    const prefix = uniqueName('crash');
    const callsFile = `${mkdtempSync(`${tmpdir()}/baton-crash-`)}/calls.jsonl`;
    const stacks = randomDag(12, 2, 3);
    const handle = await startLifecycle(env.client, prefix, {
      spec: platformDocument(uniqueName('crash'), stacks, { maxParallelStacks: 3 }),
      environment: 'dev',
    });

    const first = await startWorkerProcess(prefix, callsFile);
    await waitForState(handle, (s) => s.stacks.filter((st) => st.status === 'healthy').length >= 3, 60_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    const second = await startWorkerProcess(prefix, callsFile);
    try {
      const steady = await waitForState(handle, (s) => s.phase.number === 3, 120_000);
      assert.ok(steady.stacks.every((s) => s.status === 'healthy'));
      await handle.executeUpdate(teardownUpdate, { args: [{}] });
      await handle.result();
    } finally {
      await stopProcess(second);
    }

    const calls = readFileSync(callsFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ActivityCall & { pid: number });
    assert.ok(new Set(calls.map((c) => c.pid)).size === 2, 'both worker processes did work');
    const healthy = new Map<string, number>();
    for (const c of calls)
      if (c.activity === 'awaitApplicationHealthy' && c.phase === 'end') healthy.set(c.stack!, (healthy.get(c.stack!) ?? 0) + 1);
    for (const s of stacks) assert.equal(healthy.get(s.name), 1, `${s.name} reached Healthy exactly once`);
    const syncs = new Map<string, number>();
    for (const c of calls) if (c.activity === 'syncApplication' && c.phase === 'end') syncs.set(c.stack!, (syncs.get(c.stack!) ?? 0) + 1);
    for (const s of stacks) assert.equal(syncs.get(s.name), 1, `${s.name} synced exactly once`);
  });
});

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

function startWorkerProcess(prefix: string, callsFile: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/workerProcess.ts'], {
    cwd: repoRoot,
    env: { ...process.env, TEMPORAL_ADDRESS: env.address, BATON_TEST_PREFIX: prefix, BATON_TEST_CALLS: callsFile, ...extraEnv },
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

/** Every call the worker processes recorded, each with the pid of its process. */
const recordedCalls = (callsFile: string) =>
  readFileSync(callsFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ActivityCall & { pid: number });

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

    const calls = recordedCalls(callsFile);
    assert.ok(new Set(calls.map((c) => c.pid)).size === 2, 'both worker processes did work');
    const healthy = new Map<string, number>();
    for (const c of calls)
      if (c.activity === 'awaitApplicationHealthy' && c.phase === 'end') healthy.set(c.stack!, (healthy.get(c.stack!) ?? 0) + 1);
    for (const s of stacks) assert.equal(healthy.get(s.name), 1, `${s.name} reached Healthy exactly once`);
    const syncs = new Map<string, number>();
    for (const c of calls) if (c.activity === 'syncApplication' && c.phase === 'end') syncs.set(c.stack!, (syncs.get(c.stack!) ?? 0) + 1);
    for (const s of stacks) assert.equal(syncs.get(s.name), 1, `${s.name} synced exactly once`);
  });

  it('lets a new worker run the teardown playbook again when the worker running it is lost', { timeout: 180_000 }, async () => {
    const prefix = uniqueName('crash');
    const callsFile = `${mkdtempSync(`${tmpdir()}/baton-crash-`)}/calls.jsonl`;
    const handle = await startLifecycle(env.client, prefix, {
      spec: platformDocument(uniqueName('crash'), randomDag(4, 2, 5)),
      environment: 'dev',
    });
    // Within the tests' 10 s playbook limit, beyond their 2 s heartbeat timeout.
    const first = await startWorkerProcess(prefix, callsFile, { BATON_TEST_TEARDOWN_PLAYBOOK_MS: '8000' });
    await waitForState(handle, (s) => s.phase.number === 3, 60_000);
    await handle.executeUpdate(teardownUpdate, { args: [{}] });
    // Bootstrap and rotate-credentials ran; the third playbook is the teardown.
    for (const deadline = Date.now() + 60_000; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
      if (recordedCalls(callsFile).filter((c) => c.activity === 'runPlaybook' && c.phase === 'start').length === 3) break;
      assert.ok(Date.now() < deadline, 'the teardown playbook started within 60 s');
    }
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    const second = await startWorkerProcess(prefix, callsFile);
    try {
      const final = await handle.result();
      assert.equal(final.outcome, 'torn-down');
    } finally {
      await stopProcess(second);
    }
    const playbooks = recordedCalls(callsFile).filter((c) => c.activity === 'runPlaybook');
    assert.deepEqual(
      playbooks.map((c) => [c.phase, c.pid === first.pid ? 'first' : 'second']),
      [
        ['start', 'first'],
        ['end', 'first'],
        ['start', 'first'],
        ['end', 'first'],
        ['start', 'first'],
        ['start', 'second'],
        ['end', 'second'],
      ],
      'bootstrap and rotate-credentials on the first worker; the teardown playbook started there and ran again, to its end, on the second',
    );
  });
});

/**
 * A worker process for the crash test: serves every zone with the activity doubles and
 * appends each call to BATON_TEST_CALLS, so the test can count them across processes. With
 * BATON_TEST_TEARDOWN_PLAYBOOK_MS its teardown playbook runs that long, so a test can kill it mid-playbook.
 */
import { appendFileSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import { createWorkers, runWorkers } from '../../src/worker/workers.js';
import { installRuntimeLogger } from '../../src/worker/runtime.js';
import { activityDoubles } from './doubles.js';
import { workflowBundle } from './temporal.js';

const { TEMPORAL_ADDRESS, BATON_TEST_PREFIX, BATON_TEST_CALLS, BATON_TEST_TEARDOWN_PLAYBOOK_MS } = process.env;
if (!TEMPORAL_ADDRESS || !BATON_TEST_PREFIX || !BATON_TEST_CALLS)
  throw new Error('TEMPORAL_ADDRESS, BATON_TEST_PREFIX and BATON_TEST_CALLS are required');

installRuntimeLogger('ERROR');
const doubles = activityDoubles({
  healthDelayMs: () => 400,
  playbookMs: (playbook) => (playbook === 'teardown' ? Number(BATON_TEST_TEARDOWN_PLAYBOOK_MS ?? 0) : 0),
  onCall: (call) => appendFileSync(BATON_TEST_CALLS, `${JSON.stringify({ ...call, pid: process.pid })}\n`),
});
const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
const workers = await createWorkers({
  connection,
  namespace: 'default',
  taskQueuePrefix: BATON_TEST_PREFIX,
  workflows: true,
  zones: doubles.zones,
  workflowBundle: await workflowBundle(),
});
process.stdout.write('ready\n');
await runWorkers(workers);
await connection.close();

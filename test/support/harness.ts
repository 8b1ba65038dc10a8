import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createWorkers, runWorkers } from '../../src/worker/workers.js';
import { stateQuery } from '../../src/workflows/definitions.js';
import type { LifecycleInput } from '../../src/workflows/input.js';
import { platformLifecycle } from '../../src/workflows/platformLifecycle.js';
import type { LifecycleState } from '../../src/workflows/state.js';
import { workflowTaskQueue } from '../../src/workflows/taskQueues.js';
import { workflowBundle } from './temporal.js';

/** Short waits, so a failing test fails in seconds. */
export const testTimeouts = {
  preflight: '10s',
  playbook: '10s',
  argoCdOperational: '10s',
  argoCdCall: '10s',
  heartbeat: '2s',
  healthGrace: '5s',
  orphanCheck: '10s',
  steadyStateWatch: '5s',
};

export function uniqueName(base: string): string {
  return `${base}-${randomUUID().slice(0, 6)}`;
}

/** Runs fn while workers serving every trust zone (with the given activities) poll a fresh set of task queues. */
export async function withWorkers<T>(
  env: TestWorkflowEnvironment,
  zones: Record<string, object>,
  fn: (prefix: string) => Promise<T>,
): Promise<T> {
  const prefix = uniqueName('test');
  const workers = await createWorkers({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueuePrefix: prefix,
    workflows: true,
    zones,
    workflowBundle: await workflowBundle(),
  });
  const running = runWorkers(workers);
  try {
    return await fn(prefix);
  } finally {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running;
  }
}

export function startLifecycle(client: Client, prefix: string, input: Omit<LifecycleInput, 'taskQueuePrefix'>, workflowId = uniqueName('lifecycle')) {
  return client.workflow.start(platformLifecycle, {
    taskQueue: workflowTaskQueue(prefix),
    workflowId,
    args: [{ ...input, taskQueuePrefix: prefix, timeouts: { ...testTimeouts, ...input.timeouts } }],
  });
}

/** Polls the state query until the predicate holds; fails after the limit with the last state. */
export async function waitForState(
  handle: WorkflowHandle<typeof platformLifecycle>,
  predicate: (state: LifecycleState) => boolean,
  limitMs = 30_000,
): Promise<LifecycleState> {
  const deadline = Date.now() + limitMs;
  let state: LifecycleState | undefined;
  while (Date.now() < deadline) {
    state = await handle.query(stateQuery);
    if (predicate(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`state not reached within ${limitMs}ms; last state:\n${JSON.stringify(state, null, 2)}`);
}

export function statuses(state: LifecycleState): Record<string, string> {
  return Object.fromEntries(state.stacks.map((s) => [s.name, s.status]));
}

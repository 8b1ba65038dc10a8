import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createWorkers, runWorkers } from '../../src/worker/workers.js';
import { stateQuery } from '../../src/workflows/definitions.js';
import type { LifecycleInput } from '../../src/workflows/input.js';
import { platformLifecycle } from '../../src/workflows/platformLifecycle.js';
import type { LifecycleState } from '../../src/workflows/state.js';
import { workflowTaskQueue } from '../../src/workflows/taskQueues.js';
import type { ActivityCall } from './doubles.js';
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

export function startLifecycle(
  client: Client,
  prefix: string,
  input: Omit<LifecycleInput, 'taskQueuePrefix'>,
  workflowId = uniqueName('lifecycle'),
) {
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

/** Polls the doubles' records until one matches; fails after the limit. */
export async function waitForCall(
  calls: ActivityCall[],
  predicate: (call: ActivityCall) => boolean,
  limitMs = 10_000,
): Promise<ActivityCall> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const call = calls.find(predicate);
    if (call) return call;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no such activity call within ${limitMs}ms`);
}

/** Every handoff of a whole life, in order: up to steady state, then back through teardown. */
export const wholeLifeHandoffs = [
  'external->bootstrap',
  'bootstrap->orchestration',
  'orchestration->deployment',
  'deployment->orchestration',
  'orchestration->bootstrap',
  'bootstrap->external',
];

export function handoffs(state: LifecycleState): string[] {
  return state.ledger.map((e) => `${e.from}->${e.to}`);
}

/** The stacks in the order their Applications were deleted. */
export function deleteOrder(calls: ActivityCall[]): string[] {
  return calls.filter((c) => c.activity === 'deleteApplication' && c.phase === 'end').map((c) => c.stack!);
}

export function statuses(state: LifecycleState): Record<string, string> {
  return Object.fromEntries(state.stacks.map((s) => [s.name, s.status]));
}

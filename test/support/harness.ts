import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type DataConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { queryWhenReady } from '../../src/cli/queryWhenReady.js';
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
  const stop = await startWorkers(env, zones, prefix);
  try {
    return await fn(prefix);
  } finally {
    await stop();
  }
}

/** Starts workers serving every trust zone on the task queues of `prefix`; the answer stops them (as a worker restart does). */
export async function startWorkers(
  env: TestWorkflowEnvironment,
  zones: Record<string, object>,
  prefix: string,
  codec: { dataConverter?: DataConverter; workflowBundle?: WorkflowBundle } = {},
): Promise<() => Promise<void>> {
  const workers = await createWorkers({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueuePrefix: prefix,
    workflows: true,
    zones,
    workflowBundle: codec.workflowBundle ?? (await workflowBundle()),
    dataConverter: codec.dataConverter,
  });
  const running = runWorkers(workers);
  return async () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running;
  };
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

/** The non-retryable ApplicationFailure the run ended with; fails the test when it succeeds or fails otherwise. */
export async function nonRetryableFailure(handle: WorkflowHandle<typeof platformLifecycle>): Promise<ApplicationFailure> {
  const err = await handle.result().then(
    () => assert.fail('the run should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError);
  assert.ok(err.cause instanceof ApplicationFailure);
  assert.equal(err.cause.nonRetryable, true);
  return err.cause;
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
    state = await queryWhenReady(handle, stateQuery, Math.max(0, deadline - Date.now()));
    if (predicate(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`state not reached within ${limitMs}ms; last state:\n${JSON.stringify(state, null, 2)}`);
}

/** The id of the run a workflow continued as, once its current run is no longer `runId`; the server answers, no worker is asked. */
export async function continuedRun(handle: WorkflowHandle, runId: string, limitMs = 60_000): Promise<string> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const current = (await handle.describe()).runId;
    if (current !== runId) return current;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${handle.workflowId} did not continue as new within ${limitMs}ms`);
}

/**
 * Waits, asking the server, until the current run of `handle` has completed a workflow task: a query sent before
 * then waits for a worker to take the run's first task, and times out on a busy server. Fails naming what the
 * run's history holds.
 */
export async function firstTaskCompleted(handle: WorkflowHandle, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  let types: string[] = [];
  while (Date.now() < deadline) {
    const history = await handle.fetchHistory();
    types = (history.events ?? []).map((event) => String(event.eventType));
    if (history.events?.some((event) => event.workflowTaskCompletedEventAttributes)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${handle.workflowId} completed no workflow task within ${limitMs}ms; its history: ${types.join(', ')}`);
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

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxConfig } from '../sandbox/config.js';
import { sandboxLayout } from '../sandbox/layout.js';
import { GiveUp, waitUntil } from '../sandbox/probe.js';
import { isRunning, logFilePath, readPidRecord, startProcess, type PidRecord } from '../sandbox/processes.js';
import { defaultTaskQueuePrefix, workflowTaskQueue, zoneTaskQueue } from '../workflows/taskQueues.js';
import { servedQueues } from '../worker/servedQueues.js';

/** The worker's pid record and log sit next to the sandbox parts' (`baton sandbox logs worker`). */
export const sandboxWorkerName = 'worker';

/**
 * A `baton worker --sandbox` process serving every queue, started detached like the sandbox parts so it
 * outlives `baton up`; reused when one already runs. Resolves once Temporal sees it poll each of its queues.
 */
export async function ensureSandboxWorker(config: SandboxConfig, say: (line: string) => void): Promise<number> {
  const layout = sandboxLayout(config);
  const existing = await readPidRecord(layout, sandboxWorkerName);
  if (existing && isRunning(existing)) {
    say(`worker already running (pid ${existing.pid}); log ${logFilePath(layout, sandboxWorkerName)}`);
    return existing.pid;
  }
  const started = Date.now();
  const record = await startProcess(
    layout,
    sandboxWorkerName,
    process.execPath,
    [join(config.repoRoot, 'bin/baton.js'), 'worker', '--sandbox'],
    {
      ...process.env,
      BATON_SANDBOX_DIR: config.stateDir,
    },
  );
  const log = logFilePath(layout, sandboxWorkerName);
  await waitForPollers(record, log, config.readyTimeoutMs);
  say(`worker ready (pid ${record.pid}, ${((Date.now() - started) / 1000).toFixed(1)}s); log ${log}`);
  return record.pid;
}

/**
 * Asks Temporal, not the worker's log, whether the worker serves: each of its task queues has a poller
 * whose identity is the worker's (the SDK's default identity begins with the process id).
 */
async function waitForPollers(record: PidRecord, log: string, timeoutMs: number): Promise<void> {
  // @temporalio/proto is CommonJS whose exports Node cannot name: its namespace is the default export.
  const [{ connectClient }, { default: proto }] = await Promise.all([import('../worker/connection.js'), import('@temporalio/proto')]);
  const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = proto.temporal.api.enums.v1.TaskQueueType;
  // `baton worker --sandbox` serves every queue (its --serve default), each zone on its own task queue.
  const queues = servedQueues.map((queue) =>
    queue === 'workflows'
      ? { name: workflowTaskQueue(defaultTaskQueuePrefix), type: TASK_QUEUE_TYPE_WORKFLOW }
      : { name: zoneTaskQueue(defaultTaskQueuePrefix, queue), type: TASK_QUEUE_TYPE_ACTIVITY },
  );
  const { connection, namespace } = await connectClient();
  try {
    await waitUntil(
      'the worker',
      async () => {
        if (!isRunning(record)) {
          const text = await readFile(log, 'utf8');
          throw new GiveUp(`the worker exited:\n${text.slice(text.lastIndexOf('\n=== ')).trim().split('\n').slice(-10).join('\n')}`);
        }
        for (const queue of queues) {
          const { pollers } = await connection.workflowService.describeTaskQueue({
            namespace,
            taskQueue: { name: queue.name },
            taskQueueType: queue.type,
          });
          if (!pollers?.some((poller) => poller.identity?.startsWith(`${record.pid}@`))) throw new Error(`no poller on ${queue.name} yet`);
        }
      },
      timeoutMs,
    );
  } finally {
    await connection.close();
  }
}

import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { workflowTaskQueue, zoneTaskQueue, type TrustZone } from '../workflows/taskQueues.js';
import { workflowCodeFor } from './workflowsPath.js';

export interface WorkerSetOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueuePrefix: string;
  /** Serve the workflow task queue too (one process can serve everything). */
  workflows: boolean;
  /** The activity implementations of each trust zone this process serves. */
  zones: Partial<Record<TrustZone, object>>;
  /** A bundle made before (tests share one); by default that of `npm run build`, or the sources bundled now. */
  workflowBundle?: WorkflowBundleOption;
  identity?: string;
  /** The codec's (configuredDataConverter), when keys are configured. */
  dataConverter?: DataConverter;
}

/** One Worker per task queue: the workflow queue and each served trust zone's activity queue. */
export async function createWorkers(options: WorkerSetOptions): Promise<Worker[]> {
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  };
  const workers: Worker[] = [];
  if (options.workflows) {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: workflowTaskQueue(options.taskQueuePrefix),
        ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : workflowCodeFor(options.dataConverter)),
      }),
    );
  }
  for (const [zone, activities] of Object.entries(options.zones) as [TrustZone, object][]) {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: zoneTaskQueue(options.taskQueuePrefix, zone),
        activities,
        // Heartbeats carry progress people watch (the playbook's current task) and bring cancellation:
        // by default the server would hear of them only every 0.8 × the heartbeat timeout.
        maxHeartbeatThrottleInterval: heartbeatThrottle,
      }),
    );
  }
  return workers;
}

/** How often at most an activity's heartbeat reaches the server. */
const heartbeatThrottle = '3s';

/** Runs workers together; when one stops (or fails), the others are shut down too. */
export async function runWorkers(workers: Worker[]): Promise<void> {
  try {
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  }
}

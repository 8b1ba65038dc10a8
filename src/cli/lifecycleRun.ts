import { isDeepStrictEqual } from 'node:util';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { PlatformSpec } from '../spec/index.js';
import { lifecycleWorkflowId } from '../spec/names.js';
import { stateQuery } from '../workflows/definitions.js';
import { platformLifecycle } from '../workflows/platformLifecycle.js';
import { environmentAttribute, platformAttribute } from '../workflows/searchAttributes.js';
import type { LifecycleInput } from '../workflows/input.js';
import type { LifecycleState } from '../workflows/state.js';
import { workflowTaskQueue } from '../workflows/taskQueues.js';
import { bootstrapProgress } from './bootstrapProgress.js';
import { lifecycleHandle, temporalUiLink, withClient } from './client.js';
import { queryWhenReady } from './queryWhenReady.js';
import { CliError } from './errors.js';
import { renderState } from './renderState.js';
import { clockTime, stateChanges } from './stateChanges.js';

export interface StartOptions {
  spec: PlatformSpec;
  environment: string;
  taskQueuePrefix: string;
  /** A run already in progress is followed instead of refused. */
  attach?: boolean;
  /** The run's waits; absent: the defaults (src/workflows/input.ts). */
  timeouts?: LifecycleInput['timeouts'];
}

/** The spec with its platform repository replaced (`--repo-url`, e.g. the sandbox's git server), or as it is. */
export function withRepoUrl(spec: PlatformSpec, repoUrl: string | undefined): PlatformSpec {
  return repoUrl ? { ...spec, spec: { ...spec.spec, source: { ...spec.spec.source, repoURL: repoUrl } } } : spec;
}

/** Starts the platform's lifecycle run; prints its id and where to watch it. */
export async function startLifecycle(options: StartOptions): Promise<string> {
  const { spec, environment, taskQueuePrefix, timeouts } = options;
  const workflowId = lifecycleWorkflowId(spec.metadata.name, environment);
  await withClient(async (client, namespace) => {
    try {
      await client.workflow.start(platformLifecycle, {
        workflowId,
        taskQueue: workflowTaskQueue(taskQueuePrefix),
        args: [{ spec, environment, taskQueuePrefix, ...(timeouts ? { timeouts } : {}) }],
        typedSearchAttributes: [
          { key: platformAttribute, value: spec.metadata.name },
          { key: environmentAttribute, value: environment },
        ],
      });
      process.stderr.write(
        `started ${workflowId}; watch it with \`baton status ${workflowId} --watch\` or ${temporalUiLink(namespace, workflowId)}\n`,
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      if (!options.attach)
        throw new CliError(`${workflowId} is already running; see \`baton status ${workflowId}\`, or tear it down first`);
      process.stderr.write(`${workflowId} is already running: following it (${temporalUiLink(namespace, workflowId)})\n`);
    }
  });
  return workflowId;
}

export interface WatchOptions {
  /** Stop when this holds (besides the run ending). */
  until?: (state: LifecycleState) => boolean;
}

/**
 * Follows a run until it ends (or `until` holds): the full state once at the start and once at the
 * end, and between them a line per change (stacks, phase, authority, Argo CD, what it waits for).
 */
export async function watchLifecycle(id: string, options: WatchOptions = {}): Promise<LifecycleState> {
  return withClient(async (client) => {
    const handle = lifecycleHandle(client, id);
    const say = (line: string) => process.stdout.write(`${line}\n`);
    let previous: LifecycleState | undefined;
    let lastProgress: string | undefined;
    for (;;) {
      const state = await queryWhenReady(handle, stateQuery);
      const first = !previous;
      if (previous) stateChanges(previous, state).forEach(say);
      else say(`${renderState(state)}\n`);
      previous = state;
      const progress = await bootstrapProgress(client, state);
      if (progress && progress !== lastProgress) say(`${clockTime(Date.now())}  bootstrap · ${progress}`);
      lastProgress = progress;
      if (state.outcome !== 'running' || options.until?.(state)) {
        if (!first) say(`\n${renderState(state)}`);
        return state;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  });
}

/** Steady state (phase 3), or stopped to wait for an operator. */
export function settled(state: LifecycleState): boolean {
  return state.phase.number === 3 || state.waitingFor !== null;
}

/** The run stopped on a failure (it waits for resume, or it ended with an error). */
export function failed(state: LifecycleState): boolean {
  return state.error !== null || (state.waitingFor?.startsWith('resume') ?? false);
}

/**
 * Follows a run through the change it accepted after `previous` (the change its state showed before the apply)
 * until the change is applied; a change that parks the run is an error saying how to go on.
 */
export async function followChange(id: string, previous: LifecycleState['change']): Promise<void> {
  const ours = (state: LifecycleState) => Boolean(state.change) && !isDeepStrictEqual(state.change, previous);
  const state = await watchLifecycle(id, { until: (s) => failed(s) || (ours(s) && s.change!.status !== 'applying') });
  if (ours(state) && state.change!.status === 'applied' && !failed(state)) return;
  throw new CliError(
    `the change did not complete: ${state.error ?? state.waitingFor ?? `the run ended (${state.outcome})`}\n` +
      `Fix what failed (the stacks above say what), then \`baton resume ${state.workflowId}\` carries the change on; ` +
      `\`baton status ${state.workflowId}\` shows where it stands.`,
  );
}

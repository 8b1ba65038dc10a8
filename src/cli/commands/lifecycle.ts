import { userInfo } from 'node:os';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Command } from 'commander';
import { lifecycleWorkflowId } from '../../spec/names.js';
import { loadPlatformSpec } from '../../spec/load.js';
import { abortUpdate, resumeUpdate, stateQuery, teardownUpdate, type ControlRequest } from '../../workflows/definitions.js';
import { platformLifecycle } from '../../workflows/platformLifecycle.js';
import { environmentAttribute, platformAttribute } from '../../workflows/searchAttributes.js';
import type { LifecycleState } from '../../workflows/state.js';
import { defaultTaskQueuePrefix, workflowTaskQueue } from '../../workflows/taskQueues.js';
import { lifecycleHandle, refusalMessage, temporalUiLink, withClient } from '../client.js';
import { CliError } from '../errors.js';
import { renderState } from '../renderState.js';

interface WatchOptions {
  /** Stop when this holds (besides the run ending). */
  until?: (state: LifecycleState) => boolean;
}

/** Prints the state whenever it changes until the run ends (or `until` holds). */
async function watch(id: string, options: WatchOptions = {}): Promise<LifecycleState> {
  return withClient(async (client) => {
    const handle = lifecycleHandle(client, id);
    let last = '';
    for (;;) {
      const state = await handle.query(stateQuery);
      const rendered = renderState(state);
      const fingerprint = JSON.stringify({ ...state, startedAt: undefined });
      if (fingerprint !== last) {
        process.stdout.write(`\n${rendered}\n`);
        last = fingerprint;
      }
      if (state.outcome !== 'running' || options.until?.(state)) return state;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  });
}

async function control(kind: 'resume' | 'abort' | 'teardown', id: string, reason: string | undefined): Promise<void> {
  const update = { resume: resumeUpdate, abort: abortUpdate, teardown: teardownUpdate }[kind];
  const request: ControlRequest = { requestedBy: userInfo().username, ...(reason ? { reason } : {}) };
  await withClient(async (client) => {
    try {
      const answer = await lifecycleHandle(client, id).executeUpdate(update, { args: [request] });
      process.stdout.write(`${answer}\n`);
    } catch (err) {
      const refusal = refusalMessage(err);
      if (refusal) throw new CliError(`${kind} refused: ${refusal}`);
      throw err;
    }
  });
}

/** deploy, status, resume, abort, teardown: starting and steering lifecycle runs. */
export function registerLifecycleCommands(program: Command): void {
  program
    .command('deploy')
    .description('start the lifecycle of a platform in an environment and print its workflow id')
    .argument('<file>', 'platform spec (YAML)')
    .requiredOption('--env <environment>', 'environment name (DNS-1123 label)')
    .option('--task-queue-prefix <prefix>', 'task queue prefix of the workers', defaultTaskQueuePrefix)
    .option('--wait', 'follow the run until it reaches steady state (phase 3) or stops to wait for an operator')
    .action(async (file: string, options: { env: string; taskQueuePrefix: string; wait?: boolean }) => {
      const spec = await loadPlatformSpec(file);
      const workflowId = lifecycleWorkflowId(spec.metadata.name, options.env);
      await withClient(async (client, namespace) => {
        try {
          await client.workflow.start(platformLifecycle, {
            workflowId,
            taskQueue: workflowTaskQueue(options.taskQueuePrefix),
            args: [{ spec, environment: options.env, taskQueuePrefix: options.taskQueuePrefix }],
            typedSearchAttributes: [
              { key: platformAttribute, value: spec.metadata.name },
              { key: environmentAttribute, value: options.env },
            ],
          });
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) {
            throw new CliError(`${workflowId} is already running; see \`baton status ${workflowId}\`, or tear it down first`);
          }
          throw err;
        }
        process.stdout.write(`${workflowId}\n`);
        process.stderr.write(`started; watch it with \`baton status ${workflowId} --watch\` or ${temporalUiLink(namespace, workflowId)}\n`);
      });
      if (options.wait) {
        const state = await watch(workflowId, { until: (s) => s.phase.number === 3 || s.waitingFor !== null });
        if (state.error || state.waitingFor?.startsWith('resume')) process.exitCode = 1;
      }
    });

  program
    .command('status')
    .description('show a run: phase, authority, each stack, the ledger')
    .argument('<id>', 'workflow id (baton/PLATFORM/ENV, or PLATFORM/ENV)')
    .option('--json', 'print the state as JSON')
    .option('--watch', 'keep printing the state as it changes until the run ends')
    .action(async (id: string, options: { json?: boolean; watch?: boolean }) => {
      if (options.watch) {
        await watch(id);
        return;
      }
      const state = await withClient((client) => lifecycleHandle(client, id).query(stateQuery));
      process.stdout.write(`${options.json ? JSON.stringify(state, null, 2) : renderState(state)}\n`);
    });

  for (const [kind, description] of [
    ['resume', 'retry what failed (failed stacks, then the ones they block); healthy stacks are not deployed again'],
    ['abort', 'stop the run: running stack deployments are cancelled, nothing new starts'],
  ] as const) {
    program
      .command(kind)
      .description(description)
      .argument('<id>', 'workflow id (baton/PLATFORM/ENV, or PLATFORM/ENV)')
      .option('--reason <text>', 'why, for the record')
      .action((id: string, options: { reason?: string }) => control(kind, id, options.reason));
  }

  program
    .command('teardown')
    .description('remove every stack in reverse dependency order, then what bootstrap installed')
    .argument('<id>', 'workflow id (baton/PLATFORM/ENV, or PLATFORM/ENV)')
    .option('--reason <text>', 'why, for the record')
    .option('--yes', 'confirm: teardown deletes the whole platform')
    .option('--wait', 'follow the teardown until the run ends')
    .action(async (id: string, options: { reason?: string; yes?: boolean; wait?: boolean }) => {
      if (!options.yes) throw new CliError('teardown deletes every stack of the platform and what bootstrap installed; pass --yes to confirm', 2);
      await control('teardown', id, options.reason);
      if (options.wait) await watch(id);
    });
}

import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { undeclaredEnvironment } from '../../spec/environments.js';
import type { ControlRequest } from '../../workflows/definitions.js';
import { defaultTaskQueuePrefix } from '../../workflows/taskQueues.js';
import { CliError } from '../errors.js';

async function control(kind: 'resume' | 'abort' | 'teardown', id: string, reason: string | undefined): Promise<void> {
  const [{ abortUpdate, resumeUpdate, teardownUpdate }, { lifecycleHandle, refusalMessage, withClient }] = await Promise.all([
    import('../../workflows/definitions.js'),
    import('../client.js'),
  ]);
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
    .option(
      '--repo-url <url>',
      "use this repository instead of the spec's spec.source.repoURL (e.g. the sandbox's, `baton sandbox status --json`)",
    )
    .action(async (file: string, options: { env: string; taskQueuePrefix: string; wait?: boolean; repoUrl?: string }) => {
      const [{ loadPlatformSpec }, { failed, settled, startLifecycle, watchLifecycle, withRepoUrl }] = await Promise.all([
        import('../../spec/load.js'),
        import('../lifecycleRun.js'),
      ]);
      const loaded = await loadPlatformSpec(file);
      const undeclared = undeclaredEnvironment(loaded, options.env);
      if (undeclared) throw new CliError(`${file}: ${undeclared}`, 2);
      const spec = withRepoUrl(loaded, options.repoUrl);
      const workflowId = await startLifecycle({ spec, environment: options.env, taskQueuePrefix: options.taskQueuePrefix });
      process.stdout.write(`${workflowId}\n`);
      if (options.wait) {
        const state = await watchLifecycle(workflowId, { until: settled });
        if (failed(state)) process.exitCode = 1;
      }
    });

  program
    .command('status')
    .description('show a run: phase, authority, each stack, what Argo CD reported in steady state, the ledger')
    .argument('<id>', 'workflow id (baton/PLATFORM/ENV, or PLATFORM/ENV)')
    .option('--json', 'print the state as JSON')
    .option('--watch', 'print a line per change until the run ends, with the whole state at the start and the end')
    .action(async (id: string, options: { json?: boolean; watch?: boolean }) => {
      const [{ watchLifecycle }, { lifecycleHandle, withClient }, { stateQuery }, { renderState }] = await Promise.all([
        import('../lifecycleRun.js'),
        import('../client.js'),
        import('../../workflows/definitions.js'),
        import('../renderState.js'),
      ]);
      if (options.watch) {
        await watchLifecycle(id);
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
      if (!options.yes)
        throw new CliError('teardown deletes every stack of the platform and what bootstrap installed; pass --yes to confirm', 2);
      await control('teardown', id, options.reason);
      const { watchLifecycle } = await import('../lifecycleRun.js');
      if (options.wait) await watchLifecycle(id);
    });
}

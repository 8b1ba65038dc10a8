import { join } from 'node:path';
import type { Command } from 'commander';
import type { SandboxConfig } from '../../sandbox/index.js';
import { formatDuration } from '../../spec/duration.js';
import { undeclaredEnvironment } from '../../spec/environments.js';
import { defaultTaskQueuePrefix } from '../../workflows/taskQueues.js';
import { CliError } from '../errors.js';
import { ensureSandboxWorker } from '../sandboxWorker.js';
import { buildTools, explained } from './sandbox.js';

/**
 * A new sandbox starts without Argo CD, so phase 1 installs it and teardown returns the cluster to
 * empty; a sandbox that exists keeps the mode it was made with (BATON_SANDBOX_ARGOCD chooses).
 */
async function upConfig(say: (line: string) => void): Promise<SandboxConfig> {
  const { lastArgoCdMode, sandboxConfig, sandboxLayout } = await import('../../sandbox/index.js');
  const config = sandboxConfig();
  const last = await lastArgoCdMode(sandboxLayout(config));
  if (last === 'preinstalled' && !config.argocdMode) {
    say(
      "[sandbox] this sandbox runs Argo CD preinstalled (the sandbox's own CRDs and configuration stay after teardown); " +
        'for a cluster that starts empty: `baton sandbox wipe-cluster --yes --argocd bootstrap`',
    );
  }
  return { ...config, argocdMode: config.argocdMode ?? last ?? 'bootstrap' };
}

/**
 * `baton up`: the whole main job on the sandbox. Builds what is missing, starts the sandbox and a
 * worker, and takes the example platform (or FILE) through phases 0 to 3 from the sandbox's own Git
 * repository, printing the run as it changes. Leaves everything running; `baton sandbox down` stops it.
 */
export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('build, start the sandbox and a worker, and deploy the example platform to steady state (phase 3)')
    .argument('[file]', 'platform spec; its stacks are read from the sandbox Git repository', 'manifests/examples/demo.yaml')
    .option('--env <environment>', 'environment name', 'dev')
    .option('--no-build', 'do not run scripts/build-tools.sh first')
    .action(async (file: string, options: { env: string; build: boolean }) => {
      const began = Date.now();
      const [{ sandboxUp }, { loadPlatformSpec }, { temporalUiLink }, { failed, settled, startLifecycle, watchLifecycle }] =
        await Promise.all([
          import('../../sandbox/index.js'),
          import('../../spec/load.js'),
          import('../client.js'),
          import('../lifecycleRun.js'),
        ]);
      const loaded = await loadPlatformSpec(file);
      const undeclared = undeclaredEnvironment(loaded, options.env);
      if (undeclared) throw new CliError(`${file}: ${undeclared}`, 2);
      const say = (line: string) => process.stdout.write(`${line}\n`);
      const config = await upConfig(say);
      if (options.build) await buildTools(config);
      const status = await explained(() => sandboxUp(config, say));
      process.env.TEMPORAL_ADDRESS ??= status.temporal.address;
      process.env.BATON_TEMPORAL_UI ??= status.temporal.ui;
      await ensureSandboxWorker(config, (line) => say(`[worker] ${line}`));
      const { ensureSandboxUi } = await import('../../ui/sandboxUi.js');
      const uiLink = await ensureSandboxUi(config, (line) => say(`[ui] ${line}`));

      const spec = { ...loaded, spec: { ...loaded.spec, source: { repoURL: status.git.url, targetRevision: status.git.branch } } };
      say(`[deploy] platform ${spec.metadata.name} (${spec.spec.stacks.length} stacks) to ${options.env} from ${status.git.url}`);
      const workflowId = await startLifecycle({ spec, environment: options.env, taskQueuePrefix: defaultTaskQueuePrefix, attach: true });
      const state = await watchLifecycle(workflowId, { until: settled });
      const healthy = state.stacks.filter((stack) => stack.status === 'healthy').length;
      say(
        [
          '',
          failed(state)
            ? `${workflowId} stopped: ${state.error ?? state.waitingFor}. Fix it, then \`baton resume ${workflowId}\`.`
            : `${workflowId} reached phase ${state.phase.number} (${state.phase.name}): ${healthy} of ${state.stacks.length} stacks healthy, in ${formatDuration(Date.now() - began)}.`,
          `Baton UI:    ${uiLink}`,
          `Temporal UI: ${temporalUiLink('default', workflowId)}`,
          `Argo CD:     ${status.argocd.url} (user ${status.argocd.username}, password in ${status.argocd.passwordFile})`,
          `kubectl:     ${join(config.repoRoot, '.tools/bin/kubectl')} --kubeconfig ${status.kubeconfig} get deployments -A`,
          `Next:        baton status ${workflowId} | baton teardown ${workflowId} --yes --wait | baton sandbox down`,
        ].join('\n'),
      );
      if (failed(state)) process.exitCode = 1;
    });
}

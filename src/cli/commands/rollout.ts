import { Option, type Command } from 'commander';
import type { ArgoCdSettings } from '../../activities/argocd/index.js';
import type { RolloutAction } from '../../activities/argocd/resourceActions.js';
import { applicationName, appProjectName } from '../../spec/names.js';
import { CliError } from '../errors.js';

interface RolloutOptions {
  env: string;
  stack: string;
  name?: string;
  argocdUrl?: string;
  argocdTokenFile?: string;
  argocdUsername?: string;
  argocdPasswordFile?: string;
}

/** Argo CD as the options name it, else the running sandbox's, as its admin. */
async function argoCdSettings(options: RolloutOptions): Promise<ArgoCdSettings> {
  if (options.argocdUrl) {
    if (options.argocdTokenFile) return { url: options.argocdUrl, credentials: { tokenFile: options.argocdTokenFile } };
    if (options.argocdUsername && options.argocdPasswordFile)
      return { url: options.argocdUrl, credentials: { username: options.argocdUsername, passwordFile: options.argocdPasswordFile } };
    throw new CliError('baton rollout: --argocd-url needs --argocd-token-file, or --argocd-username with --argocd-password-file', 2);
  }
  const { sandboxConfig, sandboxStatus } = await import('../../sandbox/index.js');
  const status = await sandboxStatus(sandboxConfig());
  if (status.argocd.version === null)
    throw new CliError(`baton rollout: no --argocd-url, and the sandbox's Argo CD (${status.argocd.url}) does not answer`);
  return { url: status.argocd.url, credentials: { username: status.argocd.username, passwordFile: status.argocd.passwordFile } };
}

/** Runs Argo CD's resource action on the stack's Rollout: the one its Application holds, or the one --name names. */
async function runOnRollout(platform: string, action: RolloutAction, options: RolloutOptions): Promise<void> {
  const [{ ArgoCdClient }, { applicationRollouts, runResourceAction }] = await Promise.all([
    import('../../activities/argocd/index.js'),
    import('../../activities/argocd/resourceActions.js'),
  ]);
  const client = new ArgoCdClient(await argoCdSettings(options));
  const application = applicationName(platform, options.env, options.stack);
  const found = await client.getApplication(appProjectName(platform, options.env), application);
  if (!found)
    throw new CliError(`baton rollout: Argo CD has no Application ${application} (stack ${options.stack} of ${platform}/${options.env})`);
  const rollouts = applicationRollouts(found);
  const listed = rollouts.map((rollout) => `${rollout.namespace}/${rollout.name} (${rollout.health ?? 'no health yet'})`).join(', ');
  const chosen = options.name ? rollouts.filter((rollout) => rollout.name === options.name) : rollouts;
  if (chosen.length !== 1) {
    const why = options.name
      ? `has no Rollout ${options.name}`
      : rollouts.length
        ? `has ${rollouts.length} Rollouts: name one with --name`
        : 'has no Rollout';
    throw new CliError(`baton rollout: Application ${application} ${why}${listed ? ` (its Rollouts: ${listed})` : ''}`);
  }
  const rollout = chosen[0] as (typeof chosen)[number];
  await runResourceAction(client, {
    application,
    group: 'argoproj.io',
    kind: 'Rollout',
    name: rollout.name,
    namespace: rollout.namespace,
    action,
  });
  process.stdout.write(
    `${action === 'resume' ? 'promoted' : 'aborted'} Rollout ${rollout.namespace}/${rollout.name} of Application ${application} ` +
      `(Argo CD resource action ${action}; it was ${rollout.health ?? 'without health'})\n`,
  );
}

/** `baton rollout promote|abort PLATFORM --env ENV --stack STACK [--name ROLLOUT]`: a paused canary by hand, through Argo CD. */
export function registerRolloutCommands(program: Command): void {
  const rollout = program
    .command('rollout')
    .description("resume or abort a stack's Argo Rollouts canary through Argo CD's resource actions (what a promotion's approval does)");
  const commands: [name: string, action: RolloutAction, description: string][] = [
    ['promote', 'resume', 'resume the paused canary: the Rollout goes on to the new ReplicaSet'],
    ['abort', 'abort', 'abort the canary: the Rollout goes back to the stable ReplicaSet'],
  ];
  for (const [name, action, description] of commands)
    rollout
      .command(name)
      .description(description)
      .argument('<platform>', 'the platform (metadata.name of its spec)')
      .requiredOption('--env <environment>', 'the environment whose stack it is')
      .requiredOption('--stack <stack>', 'the stack whose Application holds the Rollout')
      .option('--name <rollout>', 'the Rollout, when the Application holds more than one')
      .addOption(new Option('--argocd-url <url>', "Argo CD's API (default: the sandbox's)").env('BATON_ARGOCD_URL'))
      .addOption(new Option('--argocd-token-file <file>', 'an API token in a file').env('BATON_ARGOCD_TOKEN_FILE'))
      .addOption(new Option('--argocd-username <name>', 'a local account, with --argocd-password-file').env('BATON_ARGOCD_USERNAME'))
      .addOption(new Option('--argocd-password-file <file>', "a file holding the account's password").env('BATON_ARGOCD_PASSWORD_FILE'))
      .action((platform: string, options: RolloutOptions) => runOnRollout(platform, action, options));
}

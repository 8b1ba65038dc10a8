import { userInfo } from 'node:os';
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { undeclaredEnvironment } from '../../spec/environments.js';
import { lifecycleWorkflowId } from '../../spec/names.js';
import type { PlatformSpec } from '../../spec/schema.js';
import type { SpecChangePlan } from '../../spec/specChange.js';
import { CliError } from '../errors.js';

/** The spec a run deploys now, from its `spec` query; the environment it deploys to, from its state. */
async function runningSpec(client: Client, id: string): Promise<{ current: PlatformSpec; environment: string }> {
  const [{ lifecycleHandle, lifecycleIdFrom }, { specQuery, stateQuery }, { validatePlatformSpec }] = await Promise.all([
    import('../client.js'),
    import('../../workflows/definitions.js'),
    import('../../spec/validate.js'),
  ]);
  const handle = lifecycleHandle(client, id);
  const [document, state] = await Promise.all([handle.query(specQuery), handle.query(stateQuery)]);
  const parsed = validatePlatformSpec(document);
  if (!parsed.ok)
    throw new CliError(
      `the spec ${lifecycleIdFrom(id)} deploys no longer passes validation: ${parsed.issues.map((i) => i.message).join('; ')}`,
    );
  return { current: parsed.spec, environment: state.environment };
}

/** The file's spec, with the sandbox's repository when asked: errors name the file and line, as `validate` does. */
async function nextSpec(file: string, repoUrl: string | undefined): Promise<PlatformSpec> {
  const [{ loadPlatformSpec }, { withRepoUrl }] = await Promise.all([import('../../spec/load.js'), import('../lifecycleRun.js')]);
  return withRepoUrl(await loadPlatformSpec(file), repoUrl);
}

/** What applying `next` to the run would do; a refusal (specChangeRefusal) is an error with exit code 2. */
async function plannedChange(current: PlatformSpec, next: PlatformSpec, environment: string, file: string): Promise<SpecChangePlan> {
  const { planSpecChange, specChangeRefusal } = await import('../../spec/specChange.js');
  const refusal = specChangeRefusal(current, next, environment);
  if (refusal) throw new CliError(`${file}: ${refusal}`, 2);
  return planSpecChange(current, next, environment);
}

/** `baton plan FILE --against ID`: what an apply would do to a run, without sending anything. */
export async function planAgainst(file: string, id: string, repoUrl: string | undefined): Promise<void> {
  const [{ withClient }, { renderSpecChange }] = await Promise.all([import('../client.js'), import('../specChangeText.js')]);
  const next = await nextSpec(file, repoUrl);
  await withClient(async (client) => {
    const { current, environment } = await runningSpec(client, id);
    const plan = await plannedChange(current, next, environment, file);
    process.stdout.write(`${renderSpecChange(plan, current, next, environment)}\n`);
  });
}

interface ApplyOptions {
  env: string;
  wait?: boolean;
  reason?: string;
  repoUrl?: string;
}

/** Sends the applySpec update once the same checks as `plan --against` pass; prints the plan the run accepted. */
async function apply(file: string, options: ApplyOptions): Promise<void> {
  const [{ lifecycleHandle, refusalMessage, withClient }, { applySpecUpdate, stateQuery }, { renderSpecChange }, { followChange }] =
    await Promise.all([
      import('../client.js'),
      import('../../workflows/definitions.js'),
      import('../specChangeText.js'),
      import('../lifecycleRun.js'),
    ]);
  const next = await nextSpec(file, options.repoUrl);
  const undeclared = undeclaredEnvironment(next, options.env);
  if (undeclared) throw new CliError(`${file}: ${undeclared}`, 2);
  const id = lifecycleWorkflowId(next.metadata.name, options.env);
  const lastChange = await withClient(async (client) => {
    const { current } = await runningSpec(client, id);
    await plannedChange(current, next, options.env, file);
    const handle = lifecycleHandle(client, id);
    const { change } = await handle.query(stateQuery);
    const request = { spec: next, requestedBy: userInfo().username, ...(options.reason ? { reason: options.reason } : {}) };
    try {
      const plan = await handle.executeUpdate(applySpecUpdate, { args: [request] });
      process.stdout.write(`${id}: change accepted\n${renderSpecChange(plan, current, next, options.env)}\n`);
    } catch (err) {
      const refusal = refusalMessage(err);
      if (refusal) throw new CliError(`apply refused: ${refusal}`, 2);
      throw err;
    }
    return change;
  });
  if (options.wait) await followChange(id, lastChange);
}

/** apply: a day-2 change to a platform in steady state. */
export function registerApplyCommand(program: Command): void {
  program
    .command('apply')
    .description('change a running platform to a new spec: add, update and remove stacks; unchanged stacks are left alone')
    .argument('<file>', 'platform spec (YAML)')
    .requiredOption('--env <environment>', 'environment of the run to change')
    .option('--wait', 'follow the run until the change is applied, or parks on a failure')
    .option('--reason <text>', 'why, for the record')
    .option(
      '--repo-url <url>',
      "use this repository instead of the spec's spec.source.repoURL, as `deploy --repo-url` did (e.g. the sandbox's)",
    )
    .action((file: string, options: ApplyOptions) => apply(file, options));
}

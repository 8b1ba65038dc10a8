import type { Command } from 'commander';
import { planOf, renderPlanMermaid, renderPlanText } from '../plan.js';
import { CliError } from '../errors.js';

/** validate, plan and schema: the commands that read a spec and touch nothing (zod and yaml load when one runs). */
export function registerSpecCommands(program: Command): void {
  program
    .command('validate')
    .description('check a platform spec; exit 0 with a summary, or list every problem with its path')
    .argument('<file>', 'platform spec (YAML)')
    .action(async (file: string) => {
      const { loadPlatformSpec } = await import('../../spec/load.js');
      const spec = await loadPlatformSpec(file);
      const plan = planOf(spec);
      const edges = spec.spec.stacks.reduce((n, s) => n + s.dependsOn.length, 0);
      process.stdout.write(
        `${file}: platform ${spec.metadata.name} is valid: ${plan.order.length} stacks, ${edges} dependencies, ${plan.levels.length} levels\n`,
      );
    });

  program
    .command('plan')
    .description('print the deployment plan: stacks by level, and the teardown order')
    .argument('<file>', 'platform spec (YAML)')
    .option('--json', 'print {"platform", "order", "levels", "teardownOrder"} as JSON')
    .option('--mermaid', 'print the dependency graph as a Mermaid flowchart')
    .option('--against <id>', 'print what `baton apply FILE` would do to this run (add, change, remove, untouched), without doing it')
    .option('--repo-url <url>', 'with --against: the repository the run was deployed with (`deploy --repo-url`)')
    .action(async (file: string, options: { json?: boolean; mermaid?: boolean; against?: string; repoUrl?: string }) => {
      if (options.json && options.mermaid) throw new CliError('choose one of --json and --mermaid', 2);
      if (options.against && (options.json || options.mermaid))
        throw new CliError('--against prints a table; leave out --json and --mermaid', 2);
      if (options.repoUrl && !options.against) throw new CliError('--repo-url goes with --against', 2);
      if (options.against) return (await import('./apply.js')).planAgainst(file, options.against, options.repoUrl);
      const { loadPlatformSpec } = await import('../../spec/load.js');
      const spec = await loadPlatformSpec(file);
      if (options.mermaid) process.stdout.write(`${renderPlanMermaid(spec)}\n`);
      else if (options.json) process.stdout.write(`${JSON.stringify(planOf(spec))}\n`);
      else process.stdout.write(`${renderPlanText(spec, planOf(spec))}\n`);
    });

  program
    .command('schema')
    .description('print the JSON Schema of the platform spec, for editors')
    .action(async () => {
      const { platformJsonSchema } = await import('../../spec/jsonSchema.js');
      process.stdout.write(`${JSON.stringify(platformJsonSchema(), null, 2)}\n`);
    });
}

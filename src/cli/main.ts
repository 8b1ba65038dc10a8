import { Command, CommanderError } from 'commander';
import { SpecError } from '../spec/issues.js';
import { registerHistoryCommands } from './commands/history.js';
import { registerLifecycleCommands } from './commands/lifecycle.js';
import { registerReportCommand } from './commands/report.js';
import { registerSandboxCommands } from './commands/sandbox.js';
import { registerSpecCommands } from './commands/spec.js';
import { registerUpCommand } from './commands/up.js';
import { registerWorkerCommand } from './commands/worker.js';
import { CliError } from './errors.js';

const program = new Command('baton')
  .description('Durable deployment orchestrator: a whole Kubernetes platform as one Temporal workflow.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerSpecCommands(program);
registerLifecycleCommands(program);
registerHistoryCommands(program);
registerReportCommand(program);
registerSandboxCommands(program);
registerWorkerCommand(program);
registerUpCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeFor(err);
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode; // commander has printed its message already
  if (err instanceof SpecError || err instanceof CliError) {
    process.stderr.write(`${err.message}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
  process.stderr.write(`baton: ${err instanceof Error ? err.message : String(err)}\n`);
  if (process.env.BATON_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return 1;
}

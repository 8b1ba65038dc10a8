import { Command, type OutputConfiguration } from 'commander';
import { registerApplyCommand } from './commands/apply.js';
import { registerApprovalCommands } from './commands/approval.js';
import { registerCodecServerCommand } from './commands/codecServer.js';
import { registerFreightCommand } from './commands/freight.js';
import { registerHistoryCommands } from './commands/history.js';
import { registerLifecycleCommands } from './commands/lifecycle.js';
import { registerPromoteCommand } from './commands/promote.js';
import { registerPromotionsCommand } from './commands/promotions.js';
import { registerReportCommand } from './commands/report.js';
import { registerRolloutCommands } from './commands/rollout.js';
import { registerSandboxCommands } from './commands/sandbox.js';
import { registerSpecCommands } from './commands/spec.js';
import { registerUiCommand } from './commands/ui.js';
import { registerUpCommand } from './commands/up.js';
import { registerWorkerCommand } from './commands/worker.js';

/**
 * The baton command with every subcommand. Errors throw instead of exiting the process (exitOverride), so
 * bin/baton.js sets the exit code and a test runs the program in the same process; `output` takes what
 * commander itself writes (usage errors, help).
 */
export function batonProgram(output?: OutputConfiguration): Command {
  const program = new Command('baton')
    .description('Durable deployment orchestrator: a whole Kubernetes platform as one Temporal workflow.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  if (output) program.configureOutput(output);

  registerSpecCommands(program);
  registerLifecycleCommands(program);
  registerApplyCommand(program);
  registerFreightCommand(program);
  registerPromoteCommand(program);
  registerPromotionsCommand(program);
  registerApprovalCommands(program);
  registerHistoryCommands(program);
  registerReportCommand(program);
  registerRolloutCommands(program);
  registerSandboxCommands(program);
  registerWorkerCommand(program);
  registerUpCommand(program);
  registerUiCommand(program);
  registerCodecServerCommand(program);
  return program;
}

import { CommanderError } from 'commander';
import { SpecError } from '../spec/issues.js';
import { CliError } from './errors.js';
import { batonProgram } from './program.js';

const program = batonProgram();

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

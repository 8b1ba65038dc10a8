import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { CommanderError, type Command } from 'commander';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { CliError } from '../../../src/cli/errors.js';
import { batonProgram } from '../../../src/cli/program.js';
import { SpecError } from '../../../src/spec/issues.js';
import { platformDocument } from '../../support/specs.js';
import { fuzzCases } from './fuzzCases.js';

const dir = mkdtempSync(`${tmpdir()}/baton-cli-fuzz-`);
after(() => rmSync(dir, { recursive: true, force: true }));
const files = {
  valid: `${dir}/valid.yaml`,
  invalid: `${dir}/invalid.yaml`,
  folder: `${dir}/folder`,
  missing: `${dir}/missing.yaml`,
};
writeFileSync(files.valid, stringify(platformDocument('shop', [{ name: 'api' }, { name: 'web', dependsOn: ['api'] }])));
writeFileSync(files.invalid, stringify(platformDocument('Shop', [{ name: 'web', dependsOn: ['web', 'db'] }])));
mkdirSync(files.folder);

/** The commands that read files or nothing: everything they check, they check here, in this process. */
const localCommands = ['validate', 'plan', 'schema'];
/** The commands that talk to Temporal: their arguments are parsed and checked here, and the run stops where they would connect. */
const connectingCommands = [
  'deploy',
  'status',
  'resume',
  'abort',
  'teardown',
  'apply',
  'approve',
  'reject',
  'promote',
  'promotions',
  'freight',
];
/** `plan --against` compares with a run, so it connects too. */
const connects = (command: Command) => connectingCommands.includes(command.name()) || command.opts().against !== undefined;

/** Where a run stops before it would connect: the argument checks of commander and of the command are behind it. */
class WouldConnect extends Error {}

const optionsOf = (program: Command) =>
  program.commands.flatMap((c) => c.options.flatMap((o) => [o.long, o.short])).filter((f) => f !== undefined);
const everyCommand = batonProgram().commands.map((c) => c.name());
const argumentNames = batonProgram().commands.flatMap((c) => c.registeredArguments.map((a) => a.name()));
const vocabulary = [...optionsOf(batonProgram()), '--help', '-h', '--version', '-V', '--', '-', '--json=1', '--env=', '-xyz'];

/** argv after `baton`: a command the test may run (or a help request, or no command) and arbitrary arguments. */
const argv = fc.tuple(
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...localCommands, ...connectingCommands) },
    fc.constantFrom('help', '--help', '--version'),
    fc.string({ maxLength: 8 }).filter((token) => !everyCommand.includes(token)),
  ),
  fc.array(
    fc.oneof(
      fc.constantFrom(...vocabulary),
      fc.constantFrom(...Object.values(files), 'demo/dev', 'baton/shop/dev', 'dev', 'prod', 'Not_A_Label', ''),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
    ),
    { maxLength: 6 },
  ),
);

/** What a run came to, with what it wrote. */
interface Outcome {
  error?: unknown;
  written: string;
}

/** Runs `baton ...args` in this process, writing nowhere: commander's output and the commands' own are kept. */
async function run(args: readonly string[]): Promise<Outcome> {
  let written = '';
  const keep = (text: string) => void (written += text);
  const program = batonProgram({ writeOut: keep, writeErr: keep, outputError: keep });
  program.hook('preAction', (_program, command) => {
    if (connects(command)) throw new WouldConnect();
  });
  const { write: stdout } = process.stdout;
  const { write: stderr } = process.stderr;
  process.stdout.write = process.stderr.write = ((text: string) => (keep(String(text)), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'baton', ...args]);
    return { written };
  } catch (error) {
    return { error, written };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    process.exitCode = undefined;
  }
}

/** What commander's usage errors are about: an option, an argument, a command or a token of the command line. */
function namesWhatIsWrong(message: string, args: readonly string[]): boolean {
  return [...args, ...vocabulary, ...everyCommand, ...argumentNames].some((name) => message.includes(`'${name}`));
}

describe("the CLI's arguments under hostile input (fast-check)", () => {
  it('every command line ends in output, a usage error naming what is wrong, or a CliError or SpecError', async () => {
    const counts = new Map<string, number>();
    const result = await fuzzCases(
      argv,
      async ([command, rest]) => {
        const args = [command, ...rest];
        const { error, written } = await run(args);
        const kind =
          error === undefined
            ? 'done'
            : error instanceof WouldConnect
              ? 'would connect'
              : ((error as Error).constructor?.name ?? typeof error);
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
        if (error === undefined || error instanceof WouldConnect) return;
        if (error instanceof CommanderError) {
          if (['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) return;
          assert.ok(namesWhatIsWrong(error.message, args), `baton ${JSON.stringify(args)}: ${error.code}: ${error.message}`);
          assert.match(written, /run with --help for usage/, `baton ${JSON.stringify(args)}: no pointer to the usage`);
          return;
        }
        if (error instanceof SpecError) {
          const named = (error.source !== undefined && args.includes(error.source)) || /file name is empty/.test(error.message);
          return assert.ok(named, `baton ${JSON.stringify(args)}: a SpecError without its file: ${error.message}`);
        }
        assert.ok(error instanceof CliError, `baton ${JSON.stringify(args)} crashed: ${(error as Error)?.stack ?? String(error)}`);
        assert.match(
          error.message,
          /--[a-z]|\//,
          `baton ${JSON.stringify(args)}: a CliError that names no option or file: ${error.message}`,
        );
      },
      30_000,
    );
    console.log(
      `CLI arguments: ${result.cases} cases (${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}), ${result.cpuMs} ms of CPU, slowest ${result.slowestMs} ms, seed ${result.seed}`,
    );
  });
});

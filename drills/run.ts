/**
 * Fault drills on the sandbox with real Argo CD: each case breaks one part (the worker, the Temporal server, the
 * API server, Argo CD, redis, the link to Temporal) at a random moment of a deploy or a teardown, N times, and
 * checks that every run completes, that no stack is synced again once healthy, and that the state query stays
 * consistent. Prints a table and writes drills/results/<date>.json. The drill's own sandbox is .baton/drill-sandbox
 * (ports moved by portShifts.integration.drill), started from nothing and stopped at the end; without --quick it is
 * .baton/full-drill-sandbox (portShifts.integration.fullDrill), so that `make test`, whose quick drill uses the
 * first, can run beside a full one.
 *
 *   npm run drill                          every case (20 trials of a, 5 of the others) on a 30-stack platform
 *   npm run drill -- --quick               one trial of each case on a 10-stack platform
 *   npm run drill -- --cases a,f --trials 3 --seed 42
 *
 * Deploy trials run round by round (a, b, …, f, then a again) and the teardown trials last. Ctrl-C (SIGINT or
 * SIGTERM) stops the drill after the trial in progress and writes the figures of the trials that ran; a second one
 * stops it at once, leaving its sandbox for `baton sandbox down`.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../src/sandbox/config.js';
import { measurementSandbox } from '../bench/benchSandbox.js';
import { describeMachine, writeResults } from '../bench/results.js';
import { portShifts } from '../test/support/sandbox.js';
import { runDrill, type CaseResult } from './drill.js';
import { faults } from './faults.js';

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seed: { type: 'string' },
    cases: { type: 'string' },
    trials: { type: 'string' },
    stacks: { type: 'string' },
  },
});

function wholeNumber(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${flag} ${raw}: a whole number from ${min} to ${max}`);
  return value;
}

const quick = options.quick ?? false;
const seed = wholeNumber('seed', options.seed, 0, 2 ** 31 - 1) ?? 20_261_201;
const trials = wholeNumber('trials', options.trials, 1, 100);
const stacks = wholeNumber('stacks', options.stacks, 2, 200) ?? (quick ? 10 : 30);
const wanted = options.cases?.split(',').map((c) => c.trim());
const unknown = wanted?.filter((id) => !faults.some((f) => f.id === id));
if (unknown?.length)
  throw new Error(`--cases ${options.cases}: no case ${unknown.join(', ')}; the cases are ${faults.map((f) => f.id).join(', ')}`);
const chosen = faults
  .filter((f) => !wanted || wanted.includes(f.id))
  .map((fault) => ({ fault, trials: trials ?? (quick ? 1 : fault.trials) }));

const say = (line: string) => process.stderr.write(`${line}\n`);
const machine = describeMachine();
console.log(
  `fault drill, seed ${seed} (rerun with --seed ${seed}), ${stacks} stacks, ${chosen.map((c) => `${c.fault.id}×${c.trials}`).join(' ')}; ` +
    `${machine.cpu}, ${machine.cores} cores, load ${machine.loadAverage}`,
);

let interrupted = false;
const interrupt = (signal: NodeJS.Signals) => {
  if (interrupted) process.exit(130);
  interrupted = true;
  say(`${signal}: the drill stops after the trial in progress and writes what it found (again to stop at once)`);
};
process.on('SIGINT', interrupt).on('SIGTERM', interrupt);

const began = Date.now();
const sandbox = quick
  ? await measurementSandbox('drill-sandbox', portShifts.integration.drill, { fresh: true })
  : await measurementSandbox('full-drill-sandbox', portShifts.integration.fullDrill, { fresh: true });
let cases: CaseResult[];
try {
  cases = await runDrill(sandbox, {
    seed,
    stacks,
    faults: chosen,
    trialLimitMs: (quick ? 4 : 8) * 60_000,
    say,
    stopRequested: () => interrupted,
  });
} finally {
  await sandbox.down();
}

const failedCases = cases.filter((c) => c.completed < c.trials || c.resyncedStacks > 0 || c.lostState > 0);
const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const columns = ['case', 'fault', 'trials', 'completed', 'stacks synced again', 'lost or inconsistent state', 'longest recovery'];
console.log(
  [
    '',
    line(columns),
    line(columns.map(() => '---')),
    ...cases.map((c) =>
      line([
        c.id,
        c.name,
        c.ran === c.trials ? c.trials : `${c.ran} of ${c.trials}`,
        c.completed,
        c.resyncedStacks,
        c.lostState,
        c.longestRecoveryMs === null ? '–' : `${(c.longestRecoveryMs / 1000).toFixed(1)} s`,
      ]),
    ),
    '',
    ...cases.flatMap((c) => c.problems.map((p) => `- ${c.id}, ${p}`)),
  ].join('\n'),
);
const file = writeResults(join(repoRoot, 'drills/results'), {
  seed,
  machine,
  quick,
  stacks,
  durationMs: Date.now() - began,
  ...(interrupted ? { interrupted: true } : {}),
  cases,
});
console.log(`\n${Math.round((Date.now() - began) / 1000)} s; written to ${file}`);
if (failedCases.length) {
  console.error(
    `${interrupted ? 'INTERRUPTED' : 'FAILED'}: ${failedCases.map((c) => c.id).join(', ')} (see the problems above); rerun with --seed ${seed}`,
  );
  process.exitCode = 1;
}

/**
 * Baton's benchmarks: prints tables for people and writes the figures as JSON to bench/results/<date>.json.
 * Targets: 10,000 stacks with 30,000 edges loaded, validated and planned in under 1 s; the CLI's
 * whole-process start-up (`baton --help` <= 0.3 s and <= 8x `node -e 0`, `baton validate` on the example
 * <= 0.5 s and <= 12x, `baton plan --json` on 10,000 stacks <= 2 s); a stack marked healthy within 1 s of
 * Argo CD reporting it Healthy; and per synthetic platform (bench/README.md) Baton's makespan beside its
 * critical-path bound and beside the Argo CD app of apps, on the bench's own sandbox (started, and stopped at the end).
 *
 *   npm run bench                        every platform, with the start-up and detection parts
 *   npm run bench -- --quick             the small platforms and the planning part only
 *   npm run bench -- --platform random-200 --max-parallel 50
 *
 * Ctrl-C stops the side in progress and writes the figures so far (the stopped side's progress under the table).
 *
 * BATON_BENCH_SKIP_SANDBOX=1 runs the planning and start-up parts alone.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../src/sandbox/config.js';
import { maxStacks } from '../src/spec/limits.js';
import { benchSandbox } from './benchSandbox.js';
import { measureDetection, type DetectionResult } from './detection.js';
import { benchPlatform, type PlatformResult } from './platformBench.js';
import { benchPlatforms } from './platforms.js';
import { measurePlanning } from './planning.js';
import { describeMachine, markdownTable, writeResults } from './results.js';
import { measureStartup, type StartupResult } from './startup.js';

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    platform: { type: 'string', multiple: true },
    'max-parallel': { type: 'string' },
  },
});
const maxParallelStacks = options['max-parallel'] === undefined ? undefined : Number(options['max-parallel']);
if (maxParallelStacks !== undefined && !(Number.isInteger(maxParallelStacks) && maxParallelStacks >= 1 && maxParallelStacks <= 500))
  throw new Error(`--max-parallel ${options['max-parallel']}: a whole number from 1 to 500 (the spec's maxParallelStacks)`);
const platforms = benchPlatforms(options.quick ?? false).filter((p) => !options.platform || options.platform.includes(p.name));
if (options.platform && platforms.length !== options.platform.length)
  throw new Error(
    `--platform: one of ${benchPlatforms(false)
      .map((p) => p.name)
      .join(', ')} (the small ones need no --quick)`,
  );

const machine = describeMachine();
console.log(
  `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}, load ${machine.loadAverage}${machine.underLoad ? ' (under load: figures are slower than on a quiet machine)' : ''}`,
);

const planning = [
  { stacks: 1_000, fanIn: 3 },
  { stacks: 10_000, fanIn: 3 },
].map(({ stacks, fanIn }) => measurePlanning(stacks, fanIn, 5));
const target = planning.find((p) => p.stacks === 10_000)!;
console.log('\nSpec load + validate + plan (in process, best of 5)');
console.table(planning);
console.log(`10,000 stacks / ${target.edges} edges: ${target.totalMs} ms (target < 1000 ms: ${target.totalMs < 1000 ? 'met' : 'NOT met'})`);
if (target.refusedByLoaderMs !== undefined)
  console.log(
    `A run holds at most ${maxStacks} stacks: baton validate and baton deploy refuse the 10,000-stack spec, naming the limit, in ${target.refusedByLoaderMs} ms`,
  );

let startup: StartupResult[] = [];
if (!options.quick) {
  const startupRuns = 7;
  const measured = measureStartup(startupRuns);
  startup = measured.results;
  console.log(`\nCLI start-up, whole process (median of ${startupRuns}, beside node -e 0 in the same rounds)`);
  console.table(startup.map((r) => ({ ...r, timesNode: r.timesNode ?? '', met: r.met === null ? '' : r.met ? 'met' : 'NOT met' })));
  if (measured.note) console.log(measured.note);
}

// Ctrl-C (SIGINT or SIGTERM) ends the side in progress as if its budget had passed, skips the platforms after it and
// writes the figures measured so far; a second one stops at once, leaving the sandbox for `baton sandbox down`.
const stop = new AbortController();
const interrupt = (signal: NodeJS.Signals) => {
  if (stop.signal.aborted) process.exit(130);
  stop.abort(signal);
  process.stderr.write(`[bench] ${signal}: the side in progress stops, then the figures so far are written (again to stop at once)\n`);
};
process.on('SIGINT', interrupt).on('SIGTERM', interrupt);

let detection: DetectionResult[] = [];
const results: PlatformResult[] = [];
if (process.env.BATON_BENCH_SKIP_SANDBOX !== '1') {
  const sandbox = await benchSandbox();
  try {
    if (!options.quick) detection = await measureDetection(sandbox.status, 5);
    const run = Date.now().toString(36);
    for (const platform of platforms) {
      if (stop.signal.aborted) break;
      results.push(await benchPlatform(sandbox, platform, run, maxParallelStacks, stop.signal));
      console.log(`\n${markdownTable(results.slice(-1))}`);
    }
  } finally {
    await sandbox.down();
  }
}
const detected = detection
  .map((d) => d.detectionMs)
  .filter((ms) => Number.isFinite(ms))
  .sort((a, b) => a - b);
const worstDetectionMs = detected.at(-1) ?? null;
if (detection.length) {
  console.log('\nHealth detection on the sandbox: Argo CD reports Healthy -> awaitApplicationHealthy returns');
  console.table(detection);
  console.log(
    `median ${detected[Math.floor(detected.length / 2)]} ms, worst ${worstDetectionMs} ms (target < 1000 ms: ${worstDetectionMs !== null && worstDetectionMs < 1000 ? 'met' : 'NOT met'})`,
  );
}
if (results.length)
  console.log(`\nPlatforms: Baton beside its critical-path bound and the Argo CD app of apps\n\n${markdownTable(results)}`);
const file = writeResults(join(repoRoot, 'bench/results'), {
  machine,
  settings: {
    quick: options.quick ?? false,
    maxParallelStacks: maxParallelStacks ?? 'spec default',
    ...(stop.signal.aborted ? { stoppedBy: String(stop.signal.reason) } : {}),
  },
  platforms: results,
  planning,
  startup,
  detection,
  targets: {
    plan10kUnder1s: target.totalMs < 1000,
    ...(startup.length ? { startup: startup.every((r) => r.met !== false) } : {}),
    ...(detection.length ? { detectionUnder1s: worstDetectionMs !== null && worstDetectionMs < 1000 } : {}),
    ...(results.length
      ? {
          overheadPerLevelUnder100ms: results.every((p) => p.overheadPerLevelMs !== null && p.overheadPerLevelMs <= 100),
          ratioUnder0_7: results.every((p) => p.ratio !== null && p.ratio <= 0.7),
        }
      : {}),
  },
});
console.log(`\nwrote ${file}`);
if (results.some((p) => p.errors.length)) process.exitCode = 1;

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, staleReason } from '../bin/compiled.js';
import { maxStacks } from '../src/spec/limits.js';
import { syntheticSpecYaml } from './planning.js';

export interface StartupResult {
  command: string;
  medianMs: number;
  /** The median over that of `node -e 0` in the same run: what the CLI adds to starting Node at all. */
  timesNode: number | null;
  target: string;
  met: boolean | null;
}

interface StartupCase {
  command: string;
  args: string[];
  maxMs?: number;
  maxTimesNode?: number;
}

/** Runs the whole process once; its wall time in ms. A failing command is a failed bench, not a fast one. */
function wallTimeMs(args: string[]): number {
  const began = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr.trim()}`);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Whole-process start-up of the CLI as people run it (`node bin/baton.js ...`), beside `node -e 0` measured
 * in the same rounds: each round runs every command once, so a busy machine slows all of them alike.
 */
export function measureStartup(runs: number): { results: StartupResult[]; note: string | null } {
  // bin/baton.js runs the sources through tsx when dist/ is stale: build first, so the compiled CLI is measured.
  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts/build.js'), '--if-stale'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('npm run build failed: the start-up bench measures the compiled CLI');
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  // The largest spec a run holds: the CLI refuses a larger one before planning it (the planning bench plans 10,000 in process).
  const bigSpec = join(dir, `stacks-${maxStacks}.yaml`);
  writeFileSync(bigSpec, syntheticSpecYaml(maxStacks, 3).yaml);
  const baton = join(repoRoot, 'bin/baton.js');
  const cases: StartupCase[] = [
    { command: 'node -e 0', args: ['-e', '0'] },
    { command: 'baton --help', args: [baton, '--help'], maxMs: 300, maxTimesNode: 8 },
    {
      command: 'baton validate manifests/examples/demo.yaml',
      args: [baton, 'validate', 'manifests/examples/demo.yaml'],
      maxMs: 500,
      maxTimesNode: 12,
    },
    {
      command: `baton plan --json (${maxStacks.toLocaleString('en')} stacks, the most a run holds)`,
      args: [baton, 'plan', '--json', bigSpec],
      maxMs: 2000,
    },
  ];
  const times = cases.map(() => [] as number[]);
  try {
    for (let round = 0; round < runs; round++) cases.forEach((c, i) => times[i]!.push(wallTimeMs(c.args)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const nodeMs = median(times[0]!);
  const results = cases.map((c, i): StartupResult => {
    const medianMs = median(times[i]!);
    const timesNode = i === 0 ? null : medianMs / nodeMs;
    const limits = [
      c.maxMs !== undefined ? `<= ${c.maxMs} ms` : null,
      c.maxTimesNode !== undefined ? `<= ${c.maxTimesNode}x node` : null,
    ].filter(Boolean);
    const met = limits.length
      ? (c.maxMs === undefined || medianMs <= c.maxMs) && (c.maxTimesNode === undefined || timesNode! <= c.maxTimesNode)
      : null;
    return {
      command: c.command,
      medianMs: round(medianMs),
      timesNode: timesNode === null ? null : round(timesNode),
      target: limits.join(', ') || 'baseline',
      met,
    };
  });
  const stale = staleReason();
  return { results, note: stale ? `${stale} during the bench: later runs may have run the sources through tsx` : null };
}

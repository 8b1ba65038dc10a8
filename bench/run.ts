/**
 * Baton's benchmarks: prints a table for people and the same figures as JSON.
 * Targets: 10,000 stacks with 30,000 edges loaded, validated and planned in under 1 s; the CLI's
 * whole-process start-up (`baton --help` <= 0.3 s and <= 8x `node -e 0`, `baton validate` on the example
 * <= 0.5 s and <= 12x, `baton plan --json` on 10,000 stacks <= 2 s); a stack marked healthy within 1 s of
 * Argo CD reporting it Healthy (on the sandbox, which it starts or reuses).
 * BATON_BENCH_SKIP_SANDBOX=1 runs the planning and start-up parts alone.
 */
import { measureDetection } from './detection.js';
import { measurePlanning } from './planning.js';
import { measureStartup } from './startup.js';

const planning = [
  { stacks: 1_000, fanIn: 3 },
  { stacks: 10_000, fanIn: 3 },
].map(({ stacks, fanIn }) => measurePlanning(stacks, fanIn, 5));

const target = planning.find((p) => p.stacks === 10_000)!;
console.log('Spec load + validate + plan (in process, best of 5)');
console.table(planning);
console.log(`10,000 stacks / ${target.edges} edges: ${target.totalMs} ms (target < 1000 ms: ${target.totalMs < 1000 ? 'met' : 'NOT met'})`);

const startupRuns = 7;
const startup = measureStartup(startupRuns);
console.log(`\nCLI start-up, whole process (median of ${startupRuns}, beside node -e 0 in the same rounds)`);
console.table(startup.results.map((r) => ({ ...r, timesNode: r.timesNode ?? '', met: r.met === null ? '' : r.met ? 'met' : 'NOT met' })));
if (startup.note) console.log(startup.note);

const detection = process.env.BATON_BENCH_SKIP_SANDBOX === '1' ? [] : await measureDetection(5);
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
console.log(
  JSON.stringify(
    {
      planning,
      startup: startup.results,
      detection,
      targets: {
        plan10kUnder1s: target.totalMs < 1000,
        startup: startup.results.every((r) => r.met !== false),
        ...(detection.length ? { detectionUnder1s: worstDetectionMs !== null && worstDetectionMs < 1000 } : {}),
      },
    },
    null,
    2,
  ),
);

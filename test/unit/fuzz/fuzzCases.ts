import fc from 'fast-check';

/** Cases each target runs, at least: a target that cannot run them all within its bounds fails. */
export const casesPerTarget = 10_000;

/** How long one case may take, by the clock: longer is a hang. */
const caseTimeoutMs = 10_000;

/** BATON_FUZZ_SEED=<seed> reruns the cases of a failed run; otherwise every run draws new ones. */
const seed = process.env.BATON_FUZZ_SEED ? Number(process.env.BATON_FUZZ_SEED) : Date.now() % 2 ** 31;

/**
 * Runs `check` on casesPerTarget values of `arbitrary`, bounded three ways: each case by the clock
 * (caseTimeoutMs), all of them by the CPU time they may use (`cpuBudgetMs`: the bound that holds on a
 * machine shared with other work), and the whole by the clock at ten times that. A failure names the
 * seed, the counterexample and the check's own message, and how to run exactly those cases again.
 * Answers the cases run, their CPU time and the slowest case.
 */
export async function fuzzCases<T>(
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => unknown,
  cpuBudgetMs: number,
): Promise<{ cases: number; cpuMs: number; slowestMs: number; seed: number }> {
  const cpu = process.cpuUsage();
  const cpuMs = () => {
    const used = process.cpuUsage(cpu);
    return Math.round((used.user + used.system) / 1000);
  };
  let cases = 0;
  let slowestMs = 0;
  const property = fc.asyncProperty(arbitrary, async (value) => {
    const started = performance.now();
    await check(value);
    slowestMs = Math.max(slowestMs, performance.now() - started);
    cases += 1;
    if (cpuMs() > cpuBudgetMs) throw new Error(`over the target's CPU budget of ${cpuBudgetMs} ms after ${cases} cases`);
  });
  const parameters = { numRuns: casesPerTarget, seed, timeout: caseTimeoutMs, interruptAfterTimeLimit: 10 * cpuBudgetMs };
  try {
    await fc.assert(property, { ...parameters, markInterruptAsFailure: true });
  } catch (err) {
    // fast-check names the seed and the counterexample; the check's own failure is its cause.
    const { message, cause } = err as Error;
    const why = cause instanceof Error ? `\n${cause.message}` : '';
    const file = process.argv[1] ?? 'the fuzz test';
    throw new Error(`${message}${why}\nrun these cases again: BATON_FUZZ_SEED=${seed} node --import tsx --test ${file}`, { cause: err });
  }
  return { cases, cpuMs: cpuMs(), slowestMs: Math.round(slowestMs), seed };
}

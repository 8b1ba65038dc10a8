import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildGraph, reverseGraph, type StackGraph } from '../../src/dag/index.js';
import { StackScheduler, type PassOutcome, type SchedulingPolicy } from '../../src/workflows/stackScheduler.js';
import { diamond, randomDag, twoBranches } from '../support/specs.js';

type Nodes = { name: string; dependsOn?: string[] }[];
const graphOf = (nodes: Nodes) => buildGraph(nodes.map((n) => ({ name: n.name, dependsOn: n.dependsOn ?? [] })));

interface Pass {
  /** What start() returned: first at once, then after each result, in the order results came. */
  starts: string[][];
  /** The stacks each failure blocked. */
  blocked: Record<string, string[]>;
  outcome: PassOutcome;
}

/**
 * Drives one pass as the workflow does: start what the scheduler says, report the result of the
 * longest-running stack (first started, first settled), repeat until nothing runs.
 */
function runPass(
  graph: StackGraph,
  policy: SchedulingPolicy,
  options: { failing?: string[]; done?: string[]; abortAfter?: number } = {},
): Pass {
  const scheduler = new StackScheduler(graph, (name) => options.done?.includes(name) ?? false, policy);
  const running: string[] = [];
  const pass: Pass = { starts: [], blocked: {}, outcome: 'completed' };
  for (let results = 0; ; results++) {
    if (results === options.abortAfter) scheduler.abort();
    const started = scheduler.start();
    pass.starts.push(started);
    running.push(...started);
    if (scheduler.running === 0) break;
    const name = running.shift()!;
    if (results >= (options.abortAfter ?? Infinity)) scheduler.cancelled(name);
    else if (options.failing?.includes(name)) pass.blocked[name] = scheduler.failed(name);
    else scheduler.succeeded(name);
  }
  pass.outcome = scheduler.outcome();
  return pass;
}

const wide: SchedulingPolicy = { maxParallel: 10, failFast: false };

const cases: {
  name: string;
  graph: StackGraph;
  policy?: SchedulingPolicy;
  failing?: string[];
  done?: string[];
  abortAfter?: number;
  expected: Pass;
}[] = [
  {
    name: 'diamond: the sides start together once the base is done, the top once both are',
    graph: graphOf(diamond),
    expected: { starts: [['base'], ['left', 'right'], [], ['top'], []], blocked: {}, outcome: 'completed' },
  },
  {
    name: 'chain: one at a time, dependencies first',
    graph: graphOf([{ name: 'a' }, { name: 'b', dependsOn: ['a'] }, { name: 'c', dependsOn: ['b'] }, { name: 'd', dependsOn: ['c'] }]),
    expected: { starts: [['a'], ['b'], ['c'], ['d'], []], blocked: {}, outcome: 'completed' },
  },
  {
    name: 'parallelism limit: never more than maxParallel at once, each free slot refilled in declaration order',
    graph: graphOf([{ name: 's1' }, { name: 's2' }, { name: 's3' }, { name: 's4' }, { name: 's5' }]),
    policy: { maxParallel: 2, failFast: false },
    expected: { starts: [['s1', 's2'], ['s3'], ['s4'], ['s5'], [], []], blocked: {}, outcome: 'completed' },
  },
  {
    name: 'ready stacks start in declaration order, not in the order they became ready',
    graph: graphOf([{ name: 'late', dependsOn: ['b'] }, { name: 'early', dependsOn: ['a'] }, { name: 'a' }, { name: 'b' }]),
    policy: { maxParallel: 1, failFast: false },
    expected: { starts: [['a'], ['early'], ['b'], ['late'], []], blocked: {}, outcome: 'completed' },
  },
  {
    name: 'a failure blocks exactly its dependents, directly or not; the rest goes on',
    graph: graphOf(twoBranches),
    failing: ['cert-manager'],
    expected: {
      starts: [['crds'], ['cert-manager', 'monitoring'], [], ['dashboards'], []],
      blocked: { 'cert-manager': ['ingress', 'app'] },
      outcome: 'failed',
    },
  },
  {
    name: 'failFast: after a failure nothing new starts, what runs finishes, and nothing else is blocked',
    graph: graphOf([{ name: 'a' }, { name: 'b', dependsOn: ['a'] }, { name: 'slow' }, { name: 'after-slow', dependsOn: ['slow'] }]),
    policy: { maxParallel: 10, failFast: true },
    failing: ['a'],
    expected: { starts: [['a', 'slow'], [], []], blocked: { a: ['b'] }, outcome: 'failed' },
  },
  {
    name: 'teardown direction: on the reversed graph dependents go first, the base last',
    graph: reverseGraph(graphOf(diamond)),
    expected: { starts: [['top'], ['left', 'right'], [], ['base'], []], blocked: {}, outcome: 'completed' },
  },
  {
    name: 'resume after failure: the stacks already done are not started again',
    graph: graphOf(twoBranches),
    done: ['crds', 'monitoring', 'dashboards'],
    expected: { starts: [['cert-manager'], ['ingress'], ['app'], []], blocked: {}, outcome: 'completed' },
  },
  {
    name: 'abort: nothing new starts and the pass ends aborted once the running stacks are cancelled',
    graph: graphOf(twoBranches),
    abortAfter: 2,
    expected: { starts: [['crds'], ['cert-manager', 'monitoring'], [], []], blocked: {}, outcome: 'aborted' },
  },
];

describe('StackScheduler', () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(runPass(c.graph, c.policy ?? wide, c), c.expected);
    });
  }

  it('refuses a result for a stack it did not start', () => {
    const scheduler = new StackScheduler(graphOf(diamond), () => false, wide);
    assert.throws(() => scheduler.succeeded('top'), Error);
  });

  it('starts, after every result, what a rescan of the whole graph would: ready stacks in declaration order, the first free slots', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer(),
        fc.boolean(),
        (count, fanIn, maxParallel, seed, failFast) => {
          const nodes = randomDag(count, fanIn, Math.abs(seed) + 1);
          const failing = nodes.filter((_, i) => (i * 7 + seed) % 11 === 0).map((n) => n.name);
          const graph = graphOf(nodes);
          const policy = { maxParallel, failFast };
          assert.deepEqual(runPass(graph, policy, { failing }).starts, rescanningStarts(nodes, policy, failing));
        },
      ),
    );
  });

  it('schedules 10,000 stacks with about 29,000 edges in well under a second', () => {
    const graph = graphOf(randomDag(10_000, 6, 3));
    const began = performance.now();
    const pass = runPass(graph, { maxParallel: 20, failFast: false });
    const elapsed = performance.now() - began;
    assert.equal(pass.outcome, 'completed');
    assert.ok(elapsed < 1_000, `took ${Math.round(elapsed)} ms`);
  });
});

/**
 * The reference: after every result, scan every stack for a waiting one whose dependencies all
 * succeeded, and start the first of them in declaration order into the free slots.
 */
function rescanningStarts(nodes: { name: string; dependsOn: string[] }[], policy: SchedulingPolicy, failing: string[]): string[][] {
  const status = new Map(nodes.map((n) => [n.name, 'waiting']));
  const blockedBy = (name: string): void => {
    for (const n of nodes) {
      if (n.dependsOn.includes(name) && status.get(n.name) === 'waiting') {
        status.set(n.name, 'blocked');
        blockedBy(n.name);
      }
    }
  };
  const running: string[] = [];
  const starts: string[][] = [];
  let failed = false;
  for (;;) {
    const ready =
      failed && policy.failFast
        ? []
        : nodes.filter((n) => status.get(n.name) === 'waiting' && n.dependsOn.every((d) => status.get(d) === 'succeeded'));
    const started = ready.slice(0, Math.max(0, policy.maxParallel - running.length)).map((n) => n.name);
    for (const name of started) status.set(name, 'running');
    starts.push(started);
    running.push(...started);
    if (running.length === 0) return starts;
    const name = running.shift()!;
    if (failing.includes(name)) {
      status.set(name, 'failed');
      failed = true;
      blockedBy(name);
    } else {
      status.set(name, 'succeeded');
    }
  }
}

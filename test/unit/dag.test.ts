import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  blockedBy,
  buildGraph,
  criticalPath,
  levels,
  precededInGroup,
  teardownOrder,
  topologicalOrder,
  validateGraph,
} from '../../src/dag/index.js';
import { diamond } from '../support/specs.js';

const graph = (nodes: { name: string; dependsOn?: string[] }[]) =>
  buildGraph(nodes.map((n) => ({ name: n.name, dependsOn: n.dependsOn ?? [] })));
const nodes = (list: { name: string; dependsOn?: string[] }[]) => list.map((n) => ({ name: n.name, dependsOn: n.dependsOn ?? [] }));

/** Random DAGs: stack i may depend only on stacks before it, so there is never a cycle. */
const arbitraryDag = fc
  .integer({ min: 1, max: 60 })
  .chain((n) =>
    fc
      .tuple(
        ...Array.from({ length: n }, (_, i) =>
          fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : Math.min(i, 4) }),
        ),
      )
      .map((deps) => deps.map((d, i) => ({ name: `stack-${i}`, dependsOn: d.map((j) => `stack-${j}`) }))),
  );

describe('validateGraph', () => {
  it('accepts a diamond', () => assert.deepEqual(validateGraph(nodes(diamond)), []));

  it('reports duplicates, self, unknown and repeated dependencies with their paths', () => {
    const issues = validateGraph(nodes([{ name: 'a', dependsOn: ['a', 'zz'] }, { name: 'b', dependsOn: ['a', 'a'] }, { name: 'a' }]));
    assert.deepEqual(
      issues.map((i) => [i.path.join('.'), i.message]),
      [
        ['2.name', 'duplicate stack name "a" (first declared at index 0)'],
        ['0.dependsOn.0', 'stack "a" depends on itself'],
        ['0.dependsOn.1', 'depends on "zz", which is not a stack of this platform'],
        ['1.dependsOn.1', 'lists "a" more than once'],
      ],
    );
  });

  it('reports a cycle as the cycle itself, from its first declared stack', () => {
    const issues = validateGraph(
      nodes([{ name: 'x' }, { name: 'b', dependsOn: ['c'] }, { name: 'a', dependsOn: ['b'] }, { name: 'c', dependsOn: ['a', 'x'] }]),
    );
    assert.deepEqual(issues, [{ path: [1, 'dependsOn', 0], message: 'dependency cycle: b -> c -> a -> b' }]);
  });

  it('reports separate cycles separately', () => {
    const issues = validateGraph(
      nodes([
        { name: 'a', dependsOn: ['b'] },
        { name: 'b', dependsOn: ['a'] },
        { name: 'c', dependsOn: ['d'] },
        { name: 'd', dependsOn: ['c'] },
      ]),
    );
    assert.deepEqual(
      issues.map((i) => i.message),
      ['dependency cycle: a -> b -> a', 'dependency cycle: c -> d -> c'],
    );
  });

  it('handles a 20,000-stack chain without overflowing the stack', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => ({ name: `s${i}`, dependsOn: i === 0 ? ['s19999'] : [`s${i - 1}`] }));
    const issues = validateGraph(chain);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /^dependency cycle: s0 -> s19999 -> s19998/);
  });

  it('finds a cycle planted in any random DAG', () => {
    fc.assert(
      fc.property(arbitraryDag, fc.nat(), (dag, seed) => {
        if (dag.length < 2) return;
        const from = seed % dag.length;
        const to = (from + 1 + (seed % (dag.length - 1))) % dag.length;
        const [low, high] = from < to ? [from, to] : [to, from];
        const partner = (i: number) => `stack-${i === low ? high : low}`;
        const withCycle = dag.map((n, i) =>
          i === low || i === high ? { ...n, dependsOn: [...new Set([...n.dependsOn, partner(i)])] } : n,
        );
        assert.ok(validateGraph(withCycle).some((i) => i.message.startsWith('dependency cycle: ')));
      }),
    );
  });
});

describe('order, levels and teardown order', () => {
  it('orders a diamond', () => {
    const g = graph(diamond);
    assert.deepEqual(levels(g), [['base'], ['left', 'right'], ['top']]);
    assert.deepEqual(topologicalOrder(g), ['base', 'left', 'right', 'top']);
    assert.deepEqual(teardownOrder(g), ['top', 'right', 'left', 'base']);
  });

  it('keeps their invariants on random DAGs', () => {
    fc.assert(
      fc.property(arbitraryDag, (dag) => {
        const g = buildGraph(dag);
        const order = topologicalOrder(g);
        const position = new Map(order.map((n, i) => [n, i]));
        const levelOf = new Map(levels(g).flatMap((level, i) => level.map((n) => [n, i] as const)));
        const teardown = teardownOrder(g);
        const teardownPosition = new Map(teardown.map((n, i) => [n, i]));
        assert.equal(order.length, dag.length);
        assert.equal(new Set(order).size, dag.length);
        for (const stack of dag) {
          for (const dep of stack.dependsOn) {
            assert.ok(position.get(dep)! < position.get(stack.name)!, 'dependencies first');
            assert.ok(teardownPosition.get(stack.name)! < teardownPosition.get(dep)!, 'dependents first in teardown');
            assert.ok(levelOf.get(dep)! < levelOf.get(stack.name)!);
          }
          const expected = stack.dependsOn.length === 0 ? 0 : Math.max(...stack.dependsOn.map((d) => levelOf.get(d)! + 1));
          assert.equal(levelOf.get(stack.name), expected, 'level is the longest dependency chain');
        }
        assert.deepEqual(topologicalOrder(buildGraph(dag)), order, 'deterministic');
      }),
    );
  });
});

describe('blockedBy and criticalPath', () => {
  const g = graph(diamond);

  it('blocks exactly the transitive dependents of a failure', () => {
    assert.deepEqual(blockedBy(g, ['left']), ['top']);
    assert.deepEqual(blockedBy(g, ['base']), ['left', 'right', 'top']);
    assert.deepEqual(blockedBy(g, ['top']), []);
  });

  it('finds the chain with the longest total duration', () => {
    assert.deepEqual(criticalPath(g, { base: 10, left: 5, right: 30, top: 1 }), { stacks: ['base', 'right', 'top'], duration: 41 });
    assert.deepEqual(criticalPath(graph([]), {}), { stacks: [], duration: 0 });
  });

  it('never has a critical path shorter than any single chain', () => {
    fc.assert(
      fc.property(arbitraryDag, fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 60, maxLength: 60 }), (dag, times) => {
        const durations = Object.fromEntries(dag.map((s, i) => [s.name, times[i]!]));
        const g2 = buildGraph(dag);
        const cp = criticalPath(g2, durations);
        assert.equal(
          cp.duration,
          cp.stacks.reduce((t, s) => t + durations[s]!, 0),
        );
        for (let i = 1; i < cp.stacks.length; i++)
          assert.ok(dag.find((s) => s.name === cp.stacks[i])!.dependsOn.includes(cp.stacks[i - 1]!));
        for (const s of dag) assert.ok(durations[s.name]! <= cp.duration);
      }),
    );
  });
});

describe('precededInGroup', () => {
  const g = graph(diamond);
  const cases: [string, Record<string, string | undefined>, string[]][] = [
    ['one group: all but the base', { base: 'a', left: 'a', right: 'a', top: 'a' }, ['left', 'right', 'top']],
    ['siblings of one group do not precede each other', { base: 'a', left: 'b', right: 'b', top: 'a' }, ['top']],
    ['a stack in no group precedes none', { base: undefined, left: 'a', right: 'b', top: 'a' }, ['top']],
    ['through a stack of another group', { base: 'a', left: 'b', right: 'c', top: 'a' }, ['top']],
    ['every group its own', { base: 'a', left: 'b', right: 'c', top: 'd' }, []],
  ];
  for (const [name, groups, expected] of cases)
    it(name, () =>
      assert.deepEqual(
        precededInGroup(g, (s) => groups[s]),
        expected,
      ),
    );

  it('is exactly the stacks with an ancestor in their group, on random DAGs', () => {
    fc.assert(
      fc.property(arbitraryDag, fc.array(fc.constantFrom('a', 'b', 'c', undefined), { minLength: 60, maxLength: 60 }), (dag, picks) => {
        const groupOf = (name: string) => picks[dag.findIndex((s) => s.name === name)];
        const byName = new Map(dag.map((s) => [s.name, s] as const));
        const ancestors = (name: string, seen = new Set<string>()): Set<string> => {
          for (const dep of byName.get(name)!.dependsOn) if (!seen.has(dep)) ancestors(dep, seen.add(dep));
          return seen;
        };
        const expected = dag
          .filter((s) => groupOf(s.name) !== undefined && [...ancestors(s.name)].some((a) => groupOf(a) === groupOf(s.name)))
          .map((s) => s.name);
        assert.deepEqual(precededInGroup(buildGraph(dag), groupOf), expected);
      }),
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { downstreamOf, firstEnvironments, promotionCycle } from '../../src/promotion/graph.js';
import { parsePlatformSpec } from '../../src/spec/load.js';
import { platformHead } from '../support/specs.js';

const spec = parsePlatformSpec(`${platformHead}    - name: web
  environments:
    - { name: dev, namespaceSuffix: -dev, promotion: { auto: true } }
    - { name: preview, namespaceSuffix: -preview, promotion: {} }
    - { name: staging, cluster: staging, promotion: { auto: true, from: [dev] } }
    - { name: perf, cluster: perf, promotion: { from: [dev] } }
    - { name: prod, cluster: prod, promotion: { auto: true, from: [staging, perf] } }
    - { name: sandbox, cluster: sandbox }
`);

describe('promotion graph', () => {
  it('starts freight in the environments with promotion settings and no upstream', () => {
    assert.deepEqual(firstEnvironments(spec), ['dev', 'preview']);
  });

  it('moves freight on by itself only to the auto environments downstream', () => {
    assert.deepEqual(downstreamOf(spec, 'dev'), ['staging']);
    assert.deepEqual(downstreamOf(spec, 'perf'), ['prod']);
    assert.deepEqual(downstreamOf(spec, 'prod'), []);
  });

  const cycles: { kind: string; graph: Record<string, string[]>; cycle: string[] | null }[] = [
    { kind: 'a chain', graph: { dev: [], staging: ['dev'], prod: ['staging'] }, cycle: null },
    { kind: 'a diamond', graph: { dev: [], a: ['dev'], b: ['dev'], prod: ['a', 'b'] }, cycle: null },
    { kind: 'a self-loop', graph: { dev: ['dev'] }, cycle: ['dev', 'dev'] },
    { kind: 'a loop behind a chain', graph: { dev: [], a: ['dev', 'c'], b: ['a'], c: ['b'] }, cycle: ['a', 'c', 'b', 'a'] },
    { kind: 'an unknown upstream, not followed', graph: { prod: ['qa'] }, cycle: null },
  ];
  for (const { kind, graph, cycle } of cycles) {
    it(`finds ${cycle ? cycle.join(' -> ') : 'no cycle'} in ${kind}`, () => {
      const environments = Object.entries(graph).map(([name, from]) => ({ name, promotion: { from } }));
      assert.deepEqual(promotionCycle(environments), cycle);
    });
  }
});

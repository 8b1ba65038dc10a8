import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { platformSpecSchema, validatePlatformSpec, type PlatformSpec, type PlatformSpecInput } from '../../src/spec/index.js';
import { planSpecChange, specChangeRefusal } from '../../src/spec/specChange.js';
import { platformDocument } from '../support/specs.js';

type StackInput = PlatformSpecInput['spec']['stacks'][number];

/** base <- web <- edge, and a lone cache: the running platform every case changes. */
const currentStacks: StackInput[] = [
  { name: 'base' },
  { name: 'web', dependsOn: ['base'], source: { helm: { valuesObject: { replicas: 1, image: { tag: 'a' } } } } },
  { name: 'edge', dependsOn: ['web'] },
  { name: 'cache' },
];

function spec(stacks: StackInput[], name = 'demo', extra: Partial<PlatformSpecInput['spec']> = {}): PlatformSpec {
  const document = platformDocument(name, []);
  return platformSpecSchema.parse({ ...document, spec: { ...document.spec, stacks, ...extra } });
}

const current = spec(currentStacks);
const replace = (name: string, stack: StackInput) => currentStacks.map((s) => (s.name === name ? stack : s));
const plan = (next: PlatformSpec, environment = 'dev') => planSpecChange(current, next, environment);

describe('planSpecChange', () => {
  it('leaves every stack untouched when nothing changes, in dependency order', () => {
    assert.deepEqual(plan(spec(currentStacks)), { added: [], changed: [], removed: [], untouched: ['base', 'cache', 'web', 'edge'] });
  });

  it('ignores the order keys are written in', () => {
    const web = { name: 'web', dependsOn: ['base'], source: { helm: { valuesObject: { image: { tag: 'a' }, replicas: 1 } } } };
    assert.deepEqual(plan(spec(replace('web', web))).changed, []);
  });

  const changes: [string, StackInput][] = [
    ['values', { name: 'web', dependsOn: ['base'], source: { helm: { valuesObject: { replicas: 2, image: { tag: 'a' } } } } }],
    ['source path', { name: 'cache', path: 'stacks/redis' }],
    ['source revision', { name: 'cache', source: { targetRevision: 'v2' } }],
    ['sources instead of source', { name: 'cache', sources: [{ path: 'stacks/cache' }] }],
    ['sync policy', { name: 'cache', sync: { selfHeal: false } }],
    ['namespace', { name: 'cache', namespace: 'redis' }],
    ['health timeout', { name: 'cache', healthTimeout: '1m' }],
    ['retry', { name: 'cache', retry: { maximumAttempts: 9 } }],
  ];
  for (const [what, stack] of changes) {
    it(`counts a stack as changed when its ${what} changes`, () => {
      const result = plan(spec(replace(stack.name, stack)));
      assert.deepEqual(result.changed, [stack.name]);
      assert.deepEqual(result.added, []);
      assert.deepEqual(result.removed, []);
    });
  }

  it('does not count a new dependency as a change: it only orders the work', () => {
    assert.deepEqual(plan(spec(replace('cache', { name: 'cache', dependsOn: ['base'] }))).changed, []);
  });

  it("counts an environment's override of a stack as a change in that environment only", () => {
    const environments = [{ name: 'dev', stacks: { web: { helm: { valueFiles: ['values-dev.yaml'] } } } }, { name: 'prod' }];
    const before = spec(currentStacks, 'demo', { environments: [{ name: 'dev' }, { name: 'prod' }] });
    const after = spec(currentStacks, 'demo', { environments });
    assert.deepEqual(planSpecChange(before, after, 'dev').changed, ['web']);
    assert.deepEqual(planSpecChange(before, after, 'prod').changed, []);
  });

  it('adds and changes in the new dependency order, removes in reverse order of the current graph', () => {
    const next = spec([
      { name: 'base', source: { targetRevision: 'v2' } },
      { name: 'queue', dependsOn: ['api'] },
      { name: 'api', dependsOn: ['base'] },
      { name: 'cache', sync: { prune: false } },
    ]);
    assert.deepEqual(plan(next), { added: ['api', 'queue'], changed: ['base', 'cache'], removed: ['edge', 'web'], untouched: [] });
  });
});

describe('specChangeRefusal', () => {
  it('accepts a spec that adds, changes and removes stacks nothing else depends on', () => {
    assert.equal(specChangeRefusal(current, spec([...currentStacks.slice(0, 3), { name: 'queue' }]), 'dev'), null);
  });

  it('refuses another platform, naming both', () => {
    const refusal = specChangeRefusal(current, spec(currentStacks, 'other'), 'dev');
    assert.match(refusal ?? '', /platform other, but this run deploys platform demo/);
  });

  it('refuses removing a stack a remaining one depends on, naming both', () => {
    const refusal = specChangeRefusal(current, spec(currentStacks.filter((s) => s.name !== 'web')), 'dev');
    assert.match(refusal ?? '', /edge depends on web/);
  });

  it('refuses an environment the new spec no longer declares', () => {
    const refusal = specChangeRefusal(current, spec(currentStacks, 'demo', { environments: [{ name: 'prod' }] }), 'dev');
    assert.match(refusal ?? '', /has no environment "dev"/);
  });

  it('refuses moving the environment to another cluster, naming both', () => {
    const on = (cluster: string) => spec(currentStacks, 'demo', { environments: [{ name: 'dev', cluster }] });
    assert.match(specChangeRefusal(on('staging'), on('dev-east'), 'dev') ?? '', /from cluster staging to cluster dev-east/);
    assert.equal(specChangeRefusal(current, on('in-cluster'), 'dev'), null, 'no environments is the hub');
  });

  it('leaves a cycle to validation, which names it', () => {
    const cyclic = replace('base', { name: 'base', dependsOn: ['edge'] });
    const validation = validatePlatformSpec({
      ...platformDocument('demo', []),
      spec: { ...platformDocument('demo', []).spec, stacks: cyclic },
    });
    assert.equal(validation.ok, false);
    assert.ok(!validation.ok && validation.issues.some((i) => /base -> .*base/.test(i.message)), JSON.stringify(validation));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parsePlatformSpec } from '../../src/spec/load.js';
import { resolveStacks, SpecError, validatePlatformSpec } from '../../src/spec/index.js';
import { platformDocument } from '../support/specs.js';

function problems(text: string): string[] {
  try {
    parsePlatformSpec(text, 'p.yaml');
  } catch (err) {
    assert.ok(err instanceof SpecError);
    return err.issues.map((i) => `${i.line ?? '-'} ${i.path}: ${i.message}`);
  }
  return [];
}

const valid = `apiVersion: baton/v1alpha1
kind: Platform
metadata:
  name: demo
spec:
  source: { repoURL: file:///srv/platform.git }
  stacks:
    - name: cert-manager
    - name: ingress
      dependsOn: [cert-manager]
      retry: { maximumAttempts: 5 }
`;

describe('platform spec', () => {
  it('loads a valid spec and applies the defaults', () => {
    const spec = parsePlatformSpec(valid);
    assert.equal(spec.spec.source.targetRevision, 'HEAD');
    assert.equal(spec.spec.defaults.maxParallelStacks, 4);
    assert.equal(spec.spec.defaults.failurePolicy, 'continue');
    const [cm, ingress] = resolveStacks(spec);
    assert.deepEqual(cm, {
      name: 'cert-manager',
      path: 'stacks/cert-manager',
      namespace: 'cert-manager',
      dependsOn: [],
      healthTimeout: '10m',
      retry: { maximumAttempts: 3, initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m' },
      sync: { selfHeal: true, prune: true, options: ['CreateNamespace=true'] },
    });
    assert.equal(ingress!.retry.maximumAttempts, 5);
    const tuned = parsePlatformSpec(valid.replace('retry: { maximumAttempts: 5 }', 'sync: { selfHeal: false }'));
    assert.deepEqual(resolveStacks(tuned)[1]!.sync, { selfHeal: false, prune: true, options: ['CreateNamespace=true'] });
  });

  it('names the path and the line of every problem', () => {
    const text = valid.replace('[cert-manager]', '[cert-manager, missing]').replace('name: ingress', 'name: Ingress_1').replace('maximumAttempts: 5', 'maximumAttempts: 0');
    assert.deepEqual(problems(text), [
      '9 spec.stacks[1].name: must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
      '11 spec.stacks[1].retry.maximumAttempts: Too small: expected number to be >=1',
    ]);
    assert.deepEqual(problems(valid.replace('[cert-manager]', '[cert-manager, missing]')), [
      '10 spec.stacks[1].dependsOn[1]: depends on "missing", which is not a stack of this platform',
    ]);
  });

  it('reports unknown fields, wrong kinds, empty stacks and YAML syntax errors', () => {
    assert.deepEqual(problems(valid.replace('kind: Platform', 'kind: Plaform\nextra: 1')), [
      '2 kind: Invalid input: expected "Platform"',
      '1 : unknown field "extra"',
    ]);
    assert.match(problems('a: [1, 2')[0]!, /^1 : YAML: Flow sequence/);
    assert.deepEqual(problems(valid.slice(0, valid.indexOf('  stacks:')) + '  stacks: []\n'), ['7 spec.stacks: a platform needs at least one stack']);
  });

  it('rejects every invalid spec with a path', () => {
    const mutations = [
      (d: Record<string, unknown>) => ({ ...d, apiVersion: 'v2' }),
      (d: Record<string, unknown>) => ({ ...d, metadata: { name: 'UPPER' } }),
      (d: Record<string, unknown>) => ({ ...d, spec: { ...(d.spec as object), stacks: [{ name: 'a', dependsOn: ['a'] }] } }),
      (d: Record<string, unknown>) => ({ ...d, spec: { ...(d.spec as object), stacks: [{ name: 'a' }, { name: 'a' }] } }),
      (d: Record<string, unknown>) => ({ ...d, spec: { ...(d.spec as object), defaults: { maxParallelStacks: 0 } } }),
      (d: Record<string, unknown>) => ({ ...d, spec: { ...(d.spec as object), defaults: { healthTimeout: 'ten minutes' } } }),
      (d: Record<string, unknown>) => ({ ...d, spec: { ...(d.spec as object), source: {} } }),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...mutations), fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), { minLength: 1, maxLength: 8 }), (mutate, names) => {
        const doc = mutate(platformDocument('p', names.map((name) => ({ name }))) as unknown as Record<string, unknown>);
        const result = validatePlatformSpec(doc);
        assert.equal(result.ok, false);
        if (!result.ok) for (const issue of result.issues) assert.match(issue.path, /^(apiVersion|metadata|spec)(\.|\[|$)/);
        assert.throws(() => parsePlatformSpec(stringify(doc)), (err: unknown) => err instanceof SpecError && err.issues.every((i) => i.line !== undefined));
      }),
    );
  });
});

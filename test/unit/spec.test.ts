import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parsePlatformSpec } from '../../src/spec/load.js';
import { undeclaredEnvironment } from '../../src/spec/environments.js';
import { formatIssue, resolveStacks, SpecError, validatePlatformSpec } from '../../src/spec/index.js';
import { platformDocument } from '../support/specs.js';
import { repoRoot } from '../support/tools.js';

function problems(text: string): string[] {
  try {
    parsePlatformSpec(text, 'p.yaml');
  } catch (err) {
    assert.ok(err instanceof SpecError);
    return err.issues.map((issue) => formatIssue(issue, 'p.yaml'));
  }
  return [];
}

const requiresApprovalRemoved =
  'was removed: promotion.approvals replaces it, e.g. promotion: { approvals: { required: 1, from: [release-lead] } }; remove requiresApproval';

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
    assert.equal(spec.spec.defaults.maxParallelStacks, undefined, 'unset stays unset: the workflow picks the default');
    assert.equal(spec.spec.defaults.failurePolicy, 'continue');
    const [cm, ingress] = resolveStacks(spec);
    assert.deepEqual(cm, {
      name: 'cert-manager',
      source: { repoURL: 'file:///srv/platform.git', path: 'stacks/cert-manager', targetRevision: 'HEAD' },
      namespace: 'cert-manager',
      dependsOn: [],
      healthTimeout: '10m',
      retry: { maximumAttempts: 3, initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m' },
      sync: { selfHeal: true, prune: true, options: ['CreateNamespace=true'] },
      createsNamespace: true,
    });
    assert.equal(ingress!.retry.maximumAttempts, 5);
    const tuned = parsePlatformSpec(valid.replace('retry: { maximumAttempts: 5 }', 'sync: { selfHeal: false }'));
    assert.deepEqual(resolveStacks(tuned)[1]!.sync, { selfHeal: false, prune: true, options: ['CreateNamespace=true'] });
  });

  it('lets only the first stacks into a namespace create and label it', () => {
    const stacks = [
      { name: 'crds', namespace: 'platform' },
      { name: 'operator', namespace: 'platform', dependsOn: ['crds'] },
      { name: 'sidecar', namespace: 'platform' },
      { name: 'gateway', namespace: 'edge', dependsOn: ['operator'] },
      { name: 'routes', namespace: 'edge', dependsOn: ['gateway'], sync: { options: ['ServerSideApply=true'] } },
      { name: 'policies', namespace: 'edge', dependsOn: ['routes'] },
    ];
    const validation = validatePlatformSpec(platformDocument('demo', stacks));
    assert.ok(validation.ok);
    const creates = Object.fromEntries(resolveStacks(validation.spec).map((s) => [s.name, s.createsNamespace]));
    // sidecar shares the namespace but not the chain: it may deploy first, so it labels it too.
    assert.deepEqual(creates, { crds: true, operator: false, sidecar: true, gateway: true, routes: false, policies: false });
  });

  it('names the path and the line of every problem', () => {
    const text = valid
      .replace('[cert-manager]', '[cert-manager, missing]')
      .replace('name: ingress', 'name: Ingress_1')
      .replace('maximumAttempts: 5', 'maximumAttempts: 0');
    assert.deepEqual(problems(text), [
      'p.yaml:9: spec.stacks[1].name: "Ingress_1" must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
      'p.yaml:11: spec.stacks[1] (Ingress_1).retry.maximumAttempts: 0 must be at least 1',
    ]);
  });

  // Every kind of problem the validator reports, each as the whole line `baton validate` prints.
  const cases: { kind: string; edit: (text: string) => string; lines: string[] }[] = [
    {
      kind: 'YAML syntax',
      edit: () => 'a: [1, 2',
      lines: ['p.yaml:1: (document): YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    },
    {
      kind: 'a repeated YAML key',
      edit: (t) => t.replace('kind: Platform', 'kind: Platform\nkind: Platform'),
      lines: ['p.yaml:3: (document): YAML: Map keys must be unique'],
    },
    {
      kind: 'unknown fields, in the document and in a stack',
      edit: (t) =>
        t
          .replace('kind: Platform', 'kind: Platform\nextra: 1')
          .replace('      retry:', '      colour: blue\n      shade: dark\n      retry:'),
      lines: ['p.yaml:10: spec.stacks[1] (ingress): unknown fields "colour", "shade"', 'p.yaml:1: (document): unknown field "extra"'],
    },
    {
      kind: 'a literal',
      edit: (t) => t.replace('kind: Platform', 'kind: Plaform'),
      lines: ['p.yaml:2: kind: "Plaform" must be "Platform"'],
    },
    {
      kind: 'an enum',
      edit: (t) => t.replace('  stacks:', '  defaults: { failurePolicy: fast }\n  stacks:'),
      lines: ['p.yaml:7: spec.defaults.failurePolicy: "fast" must be one of "continue", "failFast"'],
    },
    {
      kind: 'a required field',
      edit: (t) => t.replace('{ repoURL: file:///srv/platform.git }', '{ targetRevision: main }'),
      lines: ['p.yaml:6: spec.source.repoURL: is required (a string)'],
    },
    { kind: 'a required literal', edit: (t) => t.replace('kind: Platform\n', ''), lines: ['p.yaml:1: kind: is required ("Platform")'] },
    {
      kind: 'a scalar of the wrong type',
      edit: (t) => t.replace('  stacks:', '  defaults: { maxParallelStacks: four }\n  stacks:'),
      lines: ['p.yaml:7: spec.defaults.maxParallelStacks: "four" must be a number'],
    },
    {
      kind: 'a whole number',
      edit: (t) => t.replace('maximumAttempts: 5', 'maximumAttempts: 1.5'),
      lines: ['p.yaml:11: spec.stacks[1] (ingress).retry.maximumAttempts: 1.5 must be a whole number'],
    },
    {
      kind: 'a boolean',
      edit: (t) => t.replace('retry: { maximumAttempts: 5 }', 'sync: { prune: maybe }'),
      lines: ['p.yaml:11: spec.stacks[1] (ingress).sync.prune: "maybe" must be true or false'],
    },
    {
      kind: 'a scalar for a list',
      edit: (t) => t.replace('[cert-manager]', 'cert-manager'),
      lines: ['p.yaml:10: spec.stacks[1] (ingress).dependsOn: "cert-manager" must be a list'],
    },
    {
      kind: 'a mapping for a list',
      edit: (t) => t.replace('[cert-manager]', '{ name: cert-manager }'),
      lines: ['p.yaml:10: spec.stacks[1] (ingress).dependsOn: must be a list, not a mapping'],
    },
    {
      kind: 'a number too small',
      edit: (t) => t.replace('maximumAttempts: 5', 'maximumAttempts: 0'),
      lines: ['p.yaml:11: spec.stacks[1] (ingress).retry.maximumAttempts: 0 must be at least 1'],
    },
    {
      kind: 'a number too large',
      edit: (t) => t.replace('  stacks:', '  defaults: { maxParallelStacks: 501 }\n  stacks:'),
      lines: ['p.yaml:7: spec.defaults.maxParallelStacks: 501 must be at most 500'],
    },
    {
      kind: 'an empty string',
      edit: (t) => t.replace('    - name: ingress', '    - name: ingress\n      path: ""'),
      lines: ['p.yaml:10: spec.stacks[1] (ingress).path: "" must not be empty'],
    },
    {
      kind: 'a name too long',
      edit: (t) => t.replace('name: demo', `name: ${'a'.repeat(64)}`),
      lines: [`p.yaml:4: metadata.name: "${'a'.repeat(64)}" must be at most 63 characters (a DNS-1123 label)`],
    },
    {
      kind: 'a pattern: duration',
      edit: (t) => t.replace('retry: { maximumAttempts: 5 }', 'healthTimeout: soon'),
      lines: ['p.yaml:11: spec.stacks[1] (ingress).healthTimeout: "soon" must be a duration such as "30s", "10m" or "1h"'],
    },
    {
      kind: 'a pattern: sync option',
      edit: (t) => t.replace('retry: { maximumAttempts: 5 }', 'sync: { options: [CreateNamespace] }'),
      lines: [
        'p.yaml:11: spec.stacks[1] (ingress).sync.options[0]: "CreateNamespace" must be an Argo CD sync option such as "CreateNamespace=true"',
      ],
    },
    {
      kind: 'a pattern: Kubernetes version',
      edit: (t) => t.replace('  stacks:', '  cluster: { minKubernetesVersion: latest }\n  stacks:'),
      lines: ['p.yaml:7: spec.cluster.minKubernetesVersion: "latest" must be a version such as "1.30" or "v1.30.0"'],
    },
    {
      kind: 'no stacks',
      edit: (t) => t.slice(0, t.indexOf('  stacks:')) + '  stacks: []\n',
      lines: ['p.yaml:7: spec.stacks: a platform needs at least one stack'],
    },
    {
      kind: 'an unknown dependency',
      edit: (t) => t.replace('[cert-manager]', '[cert-manager, infra]'),
      lines: ['p.yaml:10: spec.stacks[1] (ingress).dependsOn[1]: depends on "infra", which is not a stack of this platform'],
    },
    {
      kind: 'a self-dependency',
      edit: (t) => t.replace('[cert-manager]', '[ingress]'),
      lines: ['p.yaml:10: spec.stacks[1] (ingress).dependsOn[0]: stack "ingress" depends on itself'],
    },
    {
      kind: 'a repeated dependency',
      edit: (t) => t.replace('[cert-manager]', '[cert-manager, cert-manager]'),
      lines: ['p.yaml:10: spec.stacks[1] (ingress).dependsOn[1]: lists "cert-manager" more than once'],
    },
    {
      kind: 'a duplicate name',
      edit: (t) => t.replace('    - name: ingress', '    - name: cert-manager\n    - name: ingress'),
      lines: ['p.yaml:9: spec.stacks[1].name: duplicate stack name "cert-manager" (first declared at index 0)'],
    },
    {
      kind: 'a dependency cycle',
      edit: (t) => t.replace('    - name: cert-manager', '    - name: cert-manager\n      dependsOn: [ingress]'),
      lines: ['p.yaml:9: spec.stacks[0] (cert-manager).dependsOn[0]: dependency cycle: cert-manager -> ingress -> cert-manager'],
    },
    {
      kind: 'a removed field, with what replaced it',
      edit: (t) => `${t}  environments:\n    - name: dev\n    - name: prod\n      cluster: prod\n      requiresApproval: true\n`,
      lines: [`p.yaml:16: spec.environments[1] (prod).requiresApproval: ${requiresApprovalRemoved}`],
    },
  ];
  for (const { kind, edit, lines } of cases) {
    it(`reports ${kind} as one line naming the place and the value`, () => assert.deepEqual(problems(edit(valid)), lines));
  }

  it('reports every problem of a file at once, the removed field with the others', () => {
    const text = `${valid.replace('kind: Platform', 'kind: Plaform')}  environments:\n    - { name: prod, requiresApproval: false, typo: 1 }\n`;
    assert.deepEqual(problems(text), [
      'p.yaml:2: kind: "Plaform" must be "Platform"',
      `p.yaml:13: spec.environments[0] (prod).requiresApproval: ${requiresApprovalRemoved}`,
      'p.yaml:13: spec.environments[0] (prod): unknown field "typo"',
    ]);
  });

  it('allows a deploy only to a declared environment, when the spec declares any', () => {
    const spec = parsePlatformSpec(`${valid}  environments:\n    - name: dev\n    - { name: prod, cluster: prod }\n`);
    assert.equal(undeclaredEnvironment(spec, 'dev'), undefined);
    assert.equal(
      undeclaredEnvironment(spec, 'staging'),
      'platform demo has no environment "staging": its spec.environments declares dev, prod; deploy to one of those, or declare staging there',
    );
    assert.equal(undeclaredEnvironment(parsePlatformSpec(valid), 'staging'), undefined, 'a spec without environments allows any');
  });

  it("accepts the example platform and the README's spec", () => {
    assert.equal(parsePlatformSpec(readFileSync(`${repoRoot}manifests/examples/demo.yaml`, 'utf8')).spec.stacks.length, 8);
    const readmeSpec = /## The platform spec\n\n```yaml\n([\s\S]*?)```/.exec(readFileSync(`${repoRoot}README.md`, 'utf8'))?.[1];
    assert.ok(readmeSpec, 'README.md shows a spec under "## The platform spec"');
    assert.equal(parsePlatformSpec(readmeSpec).metadata.name, 'demo');
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
      fc.property(
        fc.constantFrom(...mutations),
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), { minLength: 1, maxLength: 8 }),
        (mutate, names) => {
          const doc = mutate(
            platformDocument(
              'p',
              names.map((name) => ({ name })),
            ) as unknown as Record<string, unknown>,
          );
          const result = validatePlatformSpec(doc);
          assert.equal(result.ok, false);
          if (!result.ok) for (const issue of result.issues) assert.match(issue.path, /^(apiVersion|metadata|spec)(\.|\[|$)/);
          assert.throws(
            () => parsePlatformSpec(stringify(doc)),
            (err: unknown) => err instanceof SpecError && err.issues.every((i) => i.line !== undefined),
          );
        },
      ),
    );
  });
});

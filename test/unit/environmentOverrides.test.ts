import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parsePlatformSpec } from '../../src/spec/load.js';
import { resolveStacks } from '../../src/spec/index.js';
import { platformHead, specProblems } from '../support/specs.js';
import { repoRoot } from '../support/tools.js';

const registry = 'oci://127.0.0.1:5000/charts';

/** A platform with the stacks web (its source given) and api, and the environments given (YAML under spec.environments). */
function platform(web: string, environments: string): string {
  return `${platformHead}    - name: api
    - name: web
${web.replace(/^/gm, '      ')}
  environments:
${environments.replace(/^/gm, '    ')}
`;
}

const problems = (text: string) => specProblems(text, 'demo.yaml');

const webIn = (text: string, environment: string) => resolveStacks(parsePlatformSpec(text), environment).find((s) => s.name === 'web')!;

describe('environment overrides: resolution', () => {
  const helmWeb = platform(
    'source: { helm: { releaseName: web, valueFiles: [values-base.yaml] } }',
    '- name: dev\n  stacks:\n    web: { helm: { valueFiles: [values-dev.yaml], parameters: [{ name: replicas, value: "1" }] } }\n- { name: prod, cluster: prod }',
  );

  it("merges the environment's Helm options over the stack's, each field replacing the stack's", () => {
    assert.deepEqual(webIn(helmWeb, 'dev').source, {
      repoURL: 'file:///srv/platform.git',
      targetRevision: 'main',
      path: 'stacks/web',
      helm: { releaseName: 'web', valueFiles: ['values-dev.yaml'], parameters: [{ name: 'replicas', value: '1' }] },
    });
  });

  it('leaves the stack as its spec gives it in an environment without overrides, and when no environment is given', () => {
    const asGiven = {
      repoURL: 'file:///srv/platform.git',
      targetRevision: 'main',
      path: 'stacks/web',
      helm: { releaseName: 'web', valueFiles: ['values-base.yaml'] },
    };
    assert.deepEqual(webIn(helmWeb, 'prod').source, asGiven);
    assert.deepEqual(resolveStacks(parsePlatformSpec(helmWeb))[1]!.source, asGiven);
  });

  it("replaces the path shorthand with the environment's folder, keeping the stack's other options", () => {
    const text = platform(
      'path: stacks/web/overlays/prod',
      '- name: dev\n  stacks:\n    web: { path: stacks/web/overlays/dev, kustomize: { namePrefix: dev- } }',
    );
    assert.deepEqual(webIn(text, 'dev').source, {
      repoURL: 'file:///srv/platform.git',
      targetRevision: 'main',
      path: 'stacks/web/overlays/dev',
      kustomize: { namePrefix: 'dev-' },
    });
    assert.equal(webIn(text, 'other').source?.path, 'stacks/web/overlays/prod');
  });

  it('goes to the source Argo CD renders in a multi-source stack, not to the one that only provides a ref', () => {
    const text = platform(
      `sources:\n  - { repoURL: ${registry}, chart: web, targetRevision: 1.0.0, helm: { valueFiles: [$values/web/values.yaml] } }\n  - ref: values`,
      '- name: prod\n  stacks:\n    web: { helm: { valueFiles: [$values/web/values.yaml, $values/web/values-prod.yaml] } }',
    );
    assert.deepEqual(webIn(text, 'prod').sources, [
      {
        repoURL: registry,
        chart: 'web',
        targetRevision: '1.0.0',
        helm: { valueFiles: ['$values/web/values.yaml', '$values/web/values-prod.yaml'] },
      },
      { repoURL: 'file:///srv/platform.git', ref: 'values', targetRevision: 'main' },
    ]);
  });

  it("resolves the example platform's staging values file and overlay", () => {
    const demo = parsePlatformSpec(readFileSync(`${repoRoot}manifests/examples/demo.yaml`, 'utf8'));
    const byName = (environment: string) => new Map(resolveStacks(demo, environment).map((s) => [s.name, s.source] as const));
    assert.deepEqual(byName('staging').get('shop-web')?.helm, { releaseName: 'shop-web', valueFiles: ['values-dev.yaml'] });
    assert.equal(byName('staging').get('logging')?.path, 'stacks/logging/overlays/dev');
    assert.deepEqual(byName('prod').get('shop-web')?.helm, { releaseName: 'shop-web', valueFiles: ['values-prod.yaml'] });
    assert.equal(byName('prod').get('logging')?.path, 'stacks/logging/overlays/prod');
    assert.deepEqual(byName('dev').get('shop-web')?.helm, { releaseName: 'shop-web' });
  });
});

describe('environment overrides: what baton validate refuses', () => {
  // Each mistake as the whole line `baton validate` prints; lines count from the platform's first line.
  const cases: { kind: string; web: string; environments: string; lines: string[] }[] = [
    {
      kind: 'a stack the platform does not have',
      web: 'path: web',
      environments: '- name: prod\n  stacks:\n    wbe: { helm: { valueFiles: [values-prod.yaml] } }',
      lines: [
        'demo.yaml:14: spec.environments[0] (prod).stacks.wbe: environment prod overrides stack "wbe", which spec.stacks does not have; override one of api, web',
      ],
    },
    {
      kind: 'Helm value files for a source Kustomize renders',
      web: 'source: { kustomize: { namePrefix: web- } }',
      environments: '- name: prod\n  stacks:\n    web:\n      helm: { valueFiles: [values-prod.yaml] }',
      lines: [
        'demo.yaml:15: spec.environments[0] (prod).stacks.web.helm: is set for stack web, whose source sets kustomize options, so kustomize renders it; override kustomize options',
      ],
    },
    {
      kind: 'Kustomize options for a chart',
      web: `source: { repoURL: ${registry}, chart: web, targetRevision: 1.0.0 }`,
      environments: '- name: dev\n  stacks:\n    web:\n      kustomize: { namePrefix: dev- }',
      lines: [
        'demo.yaml:15: spec.environments[0] (dev).stacks.web.kustomize: is set for stack web, whose source is chart "web", which Helm renders; override helm options',
      ],
    },
    {
      kind: 'a folder for a chart',
      web: `source: { repoURL: ${registry}, chart: web, targetRevision: 1.0.0 }`,
      environments: '- name: dev\n  stacks:\n    web:\n      path: charts/web',
      lines: [
        'demo.yaml:15: spec.environments[0] (dev).stacks.web.path: is set for stack web, whose source is chart "web" from a Helm repository, which has no folders; remove path',
      ],
    },
    {
      kind: 'two renderers in one override',
      web: 'path: web',
      environments: '- name: dev\n  stacks:\n    web:\n      helm: { valueFiles: [values-dev.yaml] }\n      directory: { recurse: true }',
      lines: [
        'demo.yaml:16: spec.environments[0] (dev).stacks.web.directory: is set together with helm: Argo CD renders a source with one tool; keep one',
      ],
    },
    {
      kind: 'a multi-source stack with more than one rendered source',
      web: `sources:\n  - { repoURL: ${registry}, chart: web, targetRevision: 1.0.0 }\n  - { path: web-extras }`,
      environments: '- name: dev\n  stacks:\n    web: { helm: { valueFiles: [values-dev.yaml] } }',
      lines: [
        'demo.yaml:16: spec.environments[0] (dev).stacks.web: environment dev overrides stack web, which has 2 sources Argo CD renders; an override goes to exactly one, so give the others only a ref',
      ],
    },
    {
      kind: 'a field an override does not have',
      web: 'path: web',
      environments: '- name: dev\n  stacks:\n    web: { valueFiles: [values-dev.yaml] }',
      lines: ['demo.yaml:14: spec.environments[0] (dev).stacks.web: unknown field "valueFiles"'],
    },
  ];
  for (const { kind, web, environments, lines } of cases) {
    it(`reports ${kind}, naming the environment, the stack and the field`, () =>
      assert.deepEqual(problems(platform(web, environments)), lines));
  }

  it('accepts overrides that fit: value files for a path the stack leaves to Argo CD to detect', () => {
    assert.deepEqual(problems(platform('path: web', '- name: dev\n  stacks:\n    web: { helm: { valueFiles: [values-dev.yaml] } }')), []);
  });
});

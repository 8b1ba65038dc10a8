import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePlatformSpec } from '../../src/spec/load.js';
import { platformSourceRepos, resolveStacks } from '../../src/spec/index.js';
import { platformHead, specProblems } from '../support/specs.js';

/** A platform whose second stack, frontend, has the source given (YAML indented under the stack). */
function platform(frontend: string): string {
  return `${platformHead}    - name: backend
    - name: frontend
${frontend.replace(/^/gm, '      ')}
`;
}

const problems = (text: string) => specProblems(text, 'demo.yaml');

const registry = 'oci://127.0.0.1:5000/charts';

describe('stack sources: what baton validate refuses', () => {
  // Each mistake as the whole line `baton validate` prints; lines count from the platform's first line.
  const cases: { kind: string; source: string; lines: string[] }[] = [
    {
      kind: 'a chart without targetRevision',
      source: `source:\n  repoURL: ${registry}\n  chart: grafana`,
      lines: [
        `demo.yaml:11: spec.stacks[1] (frontend).source.targetRevision: is required with chart "grafana": the chart's version, such as "1.2.3"`,
      ],
    },
    {
      kind: 'a chart without repoURL',
      source: 'source:\n  chart: grafana\n  targetRevision: 10.1.0',
      lines: [
        `demo.yaml:11: spec.stacks[1] (frontend).source.repoURL: is required with chart "grafana": the Helm repository it comes from (oci://... or https://...)`,
      ],
    },
    {
      kind: 'path and chart both set',
      source: `source:\n  repoURL: ${registry}\n  chart: grafana\n  targetRevision: 10.1.0\n  path: charts/grafana`,
      lines: [
        'demo.yaml:12: spec.stacks[1] (frontend).source.chart: "grafana" is set together with path "charts/grafana": a chart comes from a Helm repository, a path from Git; keep one',
      ],
    },
    {
      kind: 'valueFiles on a Kustomize source',
      source: 'source:\n  kustomize: { namePrefix: dev- }\n  helm:\n    valueFiles: [values-dev.yaml]',
      lines: [
        "demo.yaml:13: spec.stacks[1] (frontend).source.helm.valueFiles: are Helm's, but this source also sets kustomize, so it is not rendered by Helm; keep one of helm, kustomize",
      ],
    },
    {
      kind: 'valueFiles on a directory source',
      source: 'source:\n  directory: { recurse: true }\n  helm: { valueFiles: [values.yaml] }',
      lines: [
        "demo.yaml:12: spec.stacks[1] (frontend).source.helm.valueFiles: are Helm's, but this source also sets directory, so it is not rendered by Helm; keep one of helm, directory",
      ],
    },
    {
      kind: 'helm and kustomize both set',
      source: 'source:\n  helm: { releaseName: web }\n  kustomize: { namePrefix: dev- }',
      lines: [
        'demo.yaml:12: spec.stacks[1] (frontend).source.kustomize: is set together with helm: Argo CD renders a source with one tool; keep one',
      ],
    },
    {
      kind: 'kustomize options on a chart',
      source: `source:\n  repoURL: ${registry}\n  chart: grafana\n  targetRevision: 10.1.0\n  kustomize: { namePrefix: dev- }`,
      lines: ['demo.yaml:14: spec.stacks[1] (frontend).source.kustomize: is set on chart "grafana", which Helm renders; use helm options'],
    },
    {
      kind: 'both source and sources',
      source: 'source: { path: web }\nsources:\n  - path: web',
      lines: [
        'demo.yaml:12: spec.stacks[1] (frontend).sources: source and sources are both set: give one source, or the sources of a multi-source Application',
      ],
    },
    {
      kind: 'path next to source',
      source: 'path: web\nsource: { kustomize: { namePrefix: dev- } }',
      lines: [
        'demo.yaml:10: spec.stacks[1] (frontend).path: "web" is set together with source: path is the shorthand for a source\'s path; set it in source',
      ],
    },
    {
      kind: '$values/ without a source with ref: values',
      source: `sources:\n  - repoURL: ${registry}\n    chart: grafana\n    targetRevision: 10.1.0\n    helm:\n      valueFiles: [$values/values/grafana.yaml]\n  - ref: config`,
      lines: [
        'demo.yaml:15: spec.stacks[1] (frontend).sources[0].helm.valueFiles[0]: "$values/values/grafana.yaml" refers to ref "values", which no source of this stack has; add a source with ref: values (its repoURL defaults to spec.source\'s)',
      ],
    },
    {
      kind: '$values/ into the same repository at another revision',
      source:
        'sources:\n  - path: charts/web\n    targetRevision: v1.2.0\n    helm: { valueFiles: [$values/values/web.yaml] }\n  - ref: values',
      lines: [
        'demo.yaml:13: spec.stacks[1] (frontend).sources[0].helm.valueFiles[0]: "$values/values/web.yaml" refers to ref "values" in the same repository as this source at another revision (main, not v1.2.0), which Argo CD refuses; give both the same targetRevision',
      ],
    },
    {
      kind: '$values/ in a single source',
      source: 'source:\n  helm: { valueFiles: [$values/web.yaml] }',
      lines: [
        'demo.yaml:11: spec.stacks[1] (frontend).source.helm.valueFiles[0]: "$values/web.yaml" refers to the source with ref: values, but a single source has no others; use sources, one of them with ref: values',
      ],
    },
    {
      kind: 'ref on a single source',
      source: 'source: { ref: values }',
      lines: [
        'demo.yaml:10: spec.stacks[1] (frontend).source.ref: "values" is refused on a single source: refs name sources of a multi-source Application; use sources',
      ],
    },
    {
      kind: 'the same ref twice',
      source: 'sources:\n  - ref: values\n  - ref: values\n  - path: web',
      lines: [
        'demo.yaml:12: spec.stacks[1] (frontend).sources[1].ref: "values" is already the ref of sources[0]: each ref names one source',
      ],
    },
    {
      kind: 'render options on a ref-only source',
      source: 'sources:\n  - ref: values\n    helm: { skipCrds: true }\n  - path: web',
      lines: [
        'demo.yaml:12: spec.stacks[1] (frontend).sources[0].helm: is set on a source that only provides ref "values": Argo CD renders nothing from it; move the options to the source they are for',
      ],
    },
    {
      kind: 'a Git source in another repository without path',
      source: 'source: { repoURL: https://example.org/apps.git }',
      lines: [
        'demo.yaml:10: spec.stacks[1] (frontend).source.path: is required for a Git source in https://example.org/apps.git, which is not the platform repository: the folder to deploy ("." for its root), or chart for a Helm repository',
      ],
    },
    {
      kind: "an unknown field of Argo CD's ApplicationSource",
      source: 'source:\n  valueFiles: [values.yaml]',
      lines: ['demo.yaml:11: spec.stacks[1] (frontend).source: unknown field "valueFiles"'],
    },
    {
      kind: 'an unknown Helm field',
      source: 'source:\n  helm: { valueFile: values.yaml }',
      lines: ['demo.yaml:11: spec.stacks[1] (frontend).source.helm: unknown field "valueFile"'],
    },
    {
      kind: 'a Helm parameter without name',
      source: 'source:\n  helm:\n    parameters: [{ value: "2" }]',
      lines: ['demo.yaml:12: spec.stacks[1] (frontend).source.helm.parameters[0].name: is required (a string)'],
    },
    {
      kind: 'a Kustomize list given as a string',
      source: 'source:\n  kustomize: { components: ../components/debug }',
      lines: ['demo.yaml:11: spec.stacks[1] (frontend).source.kustomize.components: "../components/debug" must be a list'],
    },
    {
      kind: 'an empty sources list',
      source: 'sources: []',
      lines: ['demo.yaml:10: spec.stacks[1] (frontend).sources: must list at least one source'],
    },
  ];
  for (const { kind, source, lines } of cases) {
    it(`reports ${kind}, naming the stack and the field`, () => assert.deepEqual(problems(platform(source)), lines));
  }
});

describe('stack sources: resolution', () => {
  const stackOf = (source: string) => resolveStacks(parsePlatformSpec(platform(source)))[1]!;

  it('fills what a source leaves out from spec.source, and keeps stacks/<name> as the default path', () => {
    assert.deepEqual(stackOf('namespace: web').source, {
      repoURL: 'file:///srv/platform.git',
      path: 'stacks/frontend',
      targetRevision: 'main',
    });
    assert.deepEqual(stackOf('path: apps/web').source, { repoURL: 'file:///srv/platform.git', path: 'apps/web', targetRevision: 'main' });
    assert.deepEqual(stackOf('source:\n  kustomize: { namePrefix: dev-, components: [../../components/debug] }').source, {
      repoURL: 'file:///srv/platform.git',
      path: 'stacks/frontend',
      targetRevision: 'main',
      kustomize: { namePrefix: 'dev-', components: ['../../components/debug'] },
    });
  });

  it("takes Argo CD's HEAD for another Git repository, and no path for a chart", () => {
    assert.deepEqual(stackOf('source: { repoURL: https://example.org/apps.git, path: web }').source, {
      repoURL: 'https://example.org/apps.git',
      path: 'web',
      targetRevision: 'HEAD',
    });
    assert.deepEqual(
      stackOf(`source: { repoURL: ${registry}, chart: grafana, targetRevision: 10.1.0, helm: { releaseName: grafana } }`).source,
      {
        repoURL: registry,
        chart: 'grafana',
        targetRevision: '10.1.0',
        helm: { releaseName: 'grafana' },
      },
    );
  });

  it('resolves the multi-source form: a chart from a registry with its values from the platform repository', () => {
    const stack = stackOf(
      `sources:\n  - repoURL: ${registry}\n    chart: grafana\n    targetRevision: 10.1.0\n    helm:\n      valueFiles: [$values/values/grafana.yaml]\n  - ref: values`,
    );
    assert.equal(stack.source, undefined);
    assert.deepEqual(stack.sources, [
      { repoURL: registry, chart: 'grafana', targetRevision: '10.1.0', helm: { valueFiles: ['$values/values/grafana.yaml'] } },
      { repoURL: 'file:///srv/platform.git', ref: 'values', targetRevision: 'main' },
    ]);
  });

  it('lists every repository the platform deploys from, the platform repository first, each once', () => {
    const spec = parsePlatformSpec(
      platform(
        `sources:\n  - { repoURL: ${registry}, chart: grafana, targetRevision: 10.1.0 }\n  - { repoURL: https://example.org/apps.git, path: web }\n  - ref: values`,
      ).replace('    - name: backend', `    - name: backend\n      source: { repoURL: ${registry}, chart: redis, targetRevision: 1.0.0 }`),
    );
    assert.deepEqual(platformSourceRepos(spec), ['file:///srv/platform.git', registry, 'https://example.org/apps.git']);
  });
});

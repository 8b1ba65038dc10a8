import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { playbookVars } from '../../src/activities/ansible/playbookVars.js';
import { stackApplication, syncRevision } from '../../src/activities/argocd/application.js';
import type { ArgoCdSettings } from '../../src/activities/argocd/settings.js';
import { parsePlatformSpec } from '../../src/spec/load.js';
import { resolveStacks, validatePlatformSpec, type PlatformSpec } from '../../src/spec/index.js';
import { historiesDir } from '../support/histories.js';

const settings: ArgoCdSettings = { url: 'http://127.0.0.1:18080', credentials: { username: 'baton', passwordFile: '/dev/null' } };

function applications(spec: PlatformSpec, environment = 'dev') {
  return resolveStacks(spec).map((stack) => stackApplication({ platform: spec.metadata.name, environment, stack }, settings));
}

/** The spec a recorded lifecycle history started with (its first event's input). */
async function recordedSpecs(): Promise<{ file: string; spec: unknown }[]> {
  const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const history = JSON.parse(await readFile(`${historiesDir}/${file}`, 'utf8')) as {
        events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { data: string }[] } } }[];
      };
      const payload = history.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!.data;
      return { file, spec: (JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { spec: unknown }).spec };
    }),
  );
}

describe("a stack's Application", () => {
  it('is exactly what it was before sources, for every recorded history whose stacks give only a path', async () => {
    const recorded = await recordedSpecs();
    let pathOnly = 0;
    for (const { file, spec: document } of recorded) {
      const validated = validatePlatformSpec(document);
      assert.ok(validated.ok, `${file}: its spec no longer validates`);
      const { spec } = validated;
      // Histories recorded since stacks have sources (a day-2 change of values, say) are not about this.
      if (spec.spec.stacks.some((stack) => stack.source || stack.sources)) continue;
      pathOnly += 1;
      for (const [i, app] of applications(spec).entries()) {
        const stack = spec.spec.stacks[i]!;
        assert.deepEqual(
          app.spec.source,
          {
            repoURL: spec.spec.source.repoURL,
            path: stack.path ?? `stacks/${stack.name}`,
            targetRevision: spec.spec.source.targetRevision,
          },
          `${file}: ${stack.name}`,
        );
        assert.equal('sources' in app.spec, false, `${file}: ${stack.name} has no sources`);
      }
    }
    assert.ok(pathOnly >= 2, `expected recorded histories of path-only specs in ${historiesDir}`);
  });

  it('is the whole manifest for a path-only stack on the hub: its environment in the project and the labels', () => {
    const spec = parsePlatformSpec(
      'apiVersion: baton/v1alpha1\nkind: Platform\nmetadata: { name: demo }\nspec:\n  source: { repoURL: file:///srv/platform.git, targetRevision: main }\n  stacks:\n    - { name: web, path: apps/web }\n',
    );
    assert.deepEqual(applications(spec)[0], {
      metadata: {
        name: 'demo-dev-web',
        namespace: 'argocd',
        labels: {
          'app.kubernetes.io/managed-by': 'baton',
          'baton.dev/platform': 'demo',
          'baton.dev/environment': 'dev',
          'baton.dev/stack': 'web',
        },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: 'demo-dev',
        source: { repoURL: 'file:///srv/platform.git', path: 'apps/web', targetRevision: 'main' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'web' },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true'],
          managedNamespaceMetadata: {
            labels: { 'app.kubernetes.io/managed-by': 'baton', 'baton.dev/platform': 'demo', 'baton.dev/environment': 'dev' },
          },
        },
      },
    });
  });

  const registry = 'oci://127.0.0.1:5000/charts';
  const spec = parsePlatformSpec(`apiVersion: baton/v1alpha1
kind: Platform
metadata: { name: demo }
spec:
  source: { repoURL: file:///srv/platform.git, targetRevision: main }
  stacks:
    - name: overlay
      source:
        path: overlays/dev
        kustomize: { namePrefix: dev-, components: [../../components/debug], images: ["nginx=nginx:1.27"] }
    - name: grafana
      sources:
        - repoURL: ${registry}
          chart: grafana
          targetRevision: 10.1.0
          helm:
            releaseName: grafana
            valueFiles: [$values/values/grafana.yaml]
            valuesObject: { adminUser: admin }
            parameters: [{ name: replicas, value: "1" }]
            skipCrds: true
        - ref: values
`);
  const [overlay, grafana] = applications(spec);

  it('carries a single source with its Kustomize options as source', () => {
    assert.deepEqual(overlay!.spec.source, {
      repoURL: 'file:///srv/platform.git',
      path: 'overlays/dev',
      targetRevision: 'main',
      kustomize: { namePrefix: 'dev-', components: ['../../components/debug'], images: ['nginx=nginx:1.27'] },
    });
    assert.equal('sources' in overlay!.spec, false);
  });

  it('carries the multi-source form as sources, the ref source on the platform repository', () => {
    assert.equal('source' in grafana!.spec, false);
    assert.deepEqual(grafana!.spec.sources, [
      {
        repoURL: registry,
        chart: 'grafana',
        targetRevision: '10.1.0',
        helm: {
          releaseName: 'grafana',
          valueFiles: ['$values/values/grafana.yaml'],
          valuesObject: { adminUser: 'admin' },
          parameters: [{ name: 'replicas', value: '1' }],
          skipCrds: true,
        },
      },
      { repoURL: 'file:///srv/platform.git', ref: 'values', targetRevision: 'main' },
    ]);
  });

  it("syncs a single source at its revision, and a multi-source Application at each source's own", () => {
    const [overlayStack, grafanaStack] = resolveStacks(spec).map((stack) => ({ platform: 'demo', environment: 'dev', stack }));
    assert.equal(syncRevision(overlayStack!), 'main');
    assert.equal(syncRevision(grafanaStack!), undefined);
  });

  it('keeps the source of a deployStack child started before stacks had sources (the platform source beside a path)', () => {
    const [stack] = resolveStacks(spec);
    const earlierStack: Record<string, unknown> = { ...stack!, path: 'stacks/overlay' };
    delete earlierStack.source;
    delete earlierStack.sources;
    const earlier = {
      platform: 'demo',
      environment: 'dev',
      stack: earlierStack,
      source: { repoURL: 'file:///srv/platform.git', targetRevision: 'main' },
    };
    const target = earlier as unknown as Parameters<typeof stackApplication>[0];
    assert.deepEqual(stackApplication(target, settings).spec.source, {
      repoURL: 'file:///srv/platform.git',
      path: 'stacks/overlay',
      targetRevision: 'main',
    });
    assert.equal(syncRevision(target), 'main');
  });

  it("gives the bootstrap playbooks the repositories the platform's AppProject allows", () => {
    const ansible = { kubeconfig: '/k', argocdManifestsDir: '/m' };
    const hub = { name: 'in-cluster', kubeconfig: '/k', server: 'https://127.0.0.1:16443' };
    const run = {
      playbook: 'bootstrap' as const,
      platform: 'demo',
      environment: 'dev',
      features: {},
      source: { repoURL: 'file:///srv/platform.git', targetRevision: 'main' },
    };
    assert.deepEqual(playbookVars(ansible, { ...run, sourceRepos: ['file:///srv/platform.git', registry] }, hub).baton_source_repos, [
      'file:///srv/platform.git',
      registry,
    ]);
    assert.deepEqual(
      playbookVars(ansible, run, hub).baton_source_repos,
      ['file:///srv/platform.git'],
      'a run recorded before sources: the platform repository alone',
    );
  });
});

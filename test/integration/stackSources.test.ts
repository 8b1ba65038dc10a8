import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createArgoCdActivities, type ArgoCdSettings } from '../../src/activities/argocd/index.js';
import type { StackTarget } from '../../src/activities/interfaces.js';
import { commitFiles, type SandboxStatus } from '../../src/sandbox/index.js';
import { parsePlatformSpec } from '../../src/spec/load.js';
import { applicationName, appProjectName, platformSourceRepos, resolveStacks, type ResolvedStack } from '../../src/spec/index.js';
import { adminRequest } from '../support/argoCdSandbox.js';
import { sandbox } from '../support/sandbox.js';
import { deploymentManifest } from '../support/stackManifests.js';
import { toolPath } from '../support/tools.js';

const exec = promisify(execFile);
const run = Date.now().toString(36);
const platform = `src-${run}`;
const environment = 'it';
const dir = `it/${run}`;

let status: SandboxStatus;
let admin: ArgoCdSettings;
let stacks: ResolvedStack[] = [];

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function activity<T>(call: () => Promise<T>): Promise<T> {
  return new MockActivityEnvironment({ heartbeatTimeoutMs: 30_000 }, { logger: quiet }).run(call);
}

function kubectl(...args: string[]): Promise<string> {
  return exec(toolPath('kubectl'), ['--kubeconfig', status.kubeconfig, ...args], { timeout: 60_000 }).then((out) => out.stdout);
}

function target(name: string): StackTarget {
  const stack = stacks.find((s) => s.name === name) ?? assert.fail(`no stack ${name}`);
  return { platform, environment, stack };
}

/** A Kustomize base, an overlay on it, and a component the overlay's Application adds; a Helm chart in Git with values per environment. */
const files = [
  { path: `${dir}/kustomize/base/kustomization.yaml`, content: 'resources: [web.yaml, settings.yaml]\n' },
  { path: `${dir}/kustomize/base/web.yaml`, content: deploymentManifest('web', 'settings') },
  {
    path: `${dir}/kustomize/base/settings.yaml`,
    content: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { level: info }\n',
  },
  { path: `${dir}/kustomize/overlays/dev/kustomization.yaml`, content: 'resources: [../../base]\nlabels: [{ pairs: { tier: dev } }]\n' },
  {
    path: `${dir}/kustomize/components/debug/kustomization.yaml`,
    content:
      'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - patch: |-\n      apiVersion: v1\n      kind: ConfigMap\n      metadata: { name: settings }\n      data: { level: debug }\n',
  },
  { path: `${dir}/chart/Chart.yaml`, content: 'apiVersion: v2\nname: greeting\nversion: 0.1.0\n' },
  { path: `${dir}/chart/values.yaml`, content: 'greeting: hello\nreplicas: 1\n' },
  { path: `${dir}/chart/values-dev.yaml`, content: 'greeting: hello from dev\n' },
  {
    path: `${dir}/chart/templates/greeting.yaml`,
    content:
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: {{ .Release.Name }}-greeting }\ndata:\n  greeting: {{ .Values.greeting | quote }}\n  replicas: {{ .Values.replicas | quote }}\n',
  },
  { path: `${dir}/values/greeting.yaml`, content: 'greeting: hello from the values repository\n' },
];

describe("stack sources rendered by the sandbox's Argo CD", { concurrency: false, timeout: 600_000 }, () => {
  before(async () => {
    status = await sandbox();
    const { revision } = await commitFiles(status.git.path, files, `Stack source tests ${run}`);
    const spec = parsePlatformSpec(`apiVersion: baton/v1alpha1
kind: Platform
metadata: { name: ${platform} }
spec:
  source: { repoURL: "${status.git.url}", targetRevision: ${status.git.branch} }
  stacks:
    - name: overlay
      namespace: ${platform}-overlay
      source:
        path: ${dir}/kustomize/overlays/dev
        kustomize: { namePrefix: dev-, components: [../../components/debug], images: ["registry.k8s.io/pause=registry.k8s.io/pause:3.9"] }
    - name: chart
      namespace: ${platform}-chart
      source:
        path: ${dir}/chart
        helm: { releaseName: hi, valueFiles: [values-dev.yaml], parameters: [{ name: replicas, value: "3" }] }
    - name: multi
      namespace: ${platform}-multi
      sources:
        - path: ${dir}/chart
          targetRevision: ${revision}
          helm: { releaseName: multi, valueFiles: [$values/${dir}/values/greeting.yaml] }
        - ref: values
          targetRevision: ${revision}
`);
    stacks = resolveStacks(spec);
    // The environment's AppProject as bootstrap makes it: only the repositories its stacks use.
    admin = { url: status.argocd.url, credentials: { username: 'admin', passwordFile: status.argocd.passwordFile } };
    await adminRequest(status, 'POST', '/api/v1/projects?upsert=true', {
      project: {
        metadata: { name: appProjectName(platform, environment) },
        spec: {
          sourceRepos: platformSourceRepos(spec),
          destinations: [{ server: '*', namespace: '*' }],
          clusterResourceWhitelist: [{ group: '*', kind: '*' }],
        },
      },
      upsert: true,
    });
  });

  after(async () => {
    const activities = createArgoCdActivities(admin);
    for (const stack of stacks) await activity(() => activities.deleteApplication(target(stack.name))).catch(() => undefined);
    if (status) await adminRequest(status, 'DELETE', `/api/v1/projects/${appProjectName(platform, environment)}`).catch(() => undefined);
    if (status)
      await commitFiles(
        status.git.path,
        files.map((f) => ({ path: f.path, content: null })),
        `Remove stack source tests ${run}`,
      ).catch(() => undefined);
  });

  async function deploy(name: string) {
    const activities = createArgoCdActivities(admin);
    await activity(() => activities.ensureApplication(target(name)));
    await activity(() => activities.syncApplication(target(name)));
    return activity(() => activities.awaitApplicationHealthy(target(name)));
  }

  async function application(name: string): Promise<{ status?: { sourceType?: string; sourceTypes?: string[] } }> {
    return (await adminRequest(status, 'GET', `/api/v1/applications/${applicationName(platform, environment, name)}`)) as {
      status?: { sourceType?: string; sourceTypes?: string[] };
    };
  }

  it('deploys a Kustomize overlay with the namePrefix, component and image override from the stack', async () => {
    const health = await deploy('overlay');
    assert.equal(health.health, 'Healthy');
    assert.equal((await application('overlay')).status?.sourceType, 'Kustomize');
    const namespace = target('overlay').stack.namespace;
    assert.equal(
      await kubectl('get', 'configmap', 'dev-settings', '-n', namespace, '-o', 'jsonpath={.data.level}'),
      'debug',
      'the component patched the base',
    );
    assert.equal(
      await kubectl('get', 'configmap', 'dev-settings', '-n', namespace, '-o', 'jsonpath={.metadata.labels.tier}'),
      'dev',
      "the overlay's label",
    );
    assert.equal(
      await kubectl('get', 'deployment', 'dev-web', '-n', namespace, '-o', 'jsonpath={.spec.template.spec.containers[0].image}'),
      'registry.k8s.io/pause:3.9',
    );
  });

  it('deploys a Helm chart from a Git path with its values file and parameters', async () => {
    await deploy('chart');
    assert.equal((await application('chart')).status?.sourceType, 'Helm');
    const data = JSON.parse(
      await kubectl('get', 'configmap', 'hi-greeting', '-n', target('chart').stack.namespace, '-o', 'jsonpath={.data}'),
    ) as Record<string, string>;
    assert.deepEqual(data, { greeting: 'hello from dev', replicas: '3' });
  });

  it('deploys a multi-source Application: the chart takes its values from the source with ref: values', async () => {
    await deploy('multi');
    assert.equal((await application('multi')).status?.sourceTypes?.[0], 'Helm');
    assert.equal(
      await kubectl('get', 'configmap', 'multi-greeting', '-n', target('multi').stack.namespace, '-o', 'jsonpath={.data.greeting}'),
      'hello from the values repository',
    );
  });

  it('refuses a source outside the AppProject: sourceRepos lists only the platform repositories', async () => {
    const outside = {
      ...target('overlay'),
      stack: {
        ...target('overlay').stack,
        name: 'outside',
        source: { repoURL: 'https://127.0.0.1:1/elsewhere.git', path: '.', targetRevision: 'HEAD' },
        sources: undefined,
      },
    };
    await assert.rejects(
      activity(() => createArgoCdActivities(admin).ensureApplication(outside)),
      /not permitted in project/,
    );
  });
});

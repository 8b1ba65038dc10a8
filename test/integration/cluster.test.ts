import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig, PatchStrategy, KubernetesObjectApi } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { parse, stringify } from 'yaml';
import { createClusterActivities } from '../../src/activities/cluster/index.js';
import type { KubernetesManifest, ManagedObject, PreflightReport, ReadyResult } from '../../src/activities/interfaces.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import { sandbox } from '../support/sandbox.js';

const run = Date.now().toString(36);
const platform = `it-${run}`;
const environment = 'dev';
const namespace = `baton-it-${run}`;
const group = 'baton-it.example.com';

let kubeconfig = '';
let scratch = '';
let activities: ReturnType<typeof createClusterActivities>;
let admin: KubeConfig;

/** The expected failures would otherwise be logged with their stacks. */
const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function namespaceManifest(name: string): KubernetesManifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

function deploymentManifest(name: string, replicas: number, extraPodSpec: Record<string, unknown> = {}): KubernetesManifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'example.invalid/app:1' }], ...extraPodSpec },
      },
    },
  };
}

const widgetCrd: KubernetesManifest = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } },
        },
      },
    ],
  },
};

function widget(name: string, size: number): KubernetesManifest {
  return { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name, namespace }, spec: { size } };
}

/** A kubeconfig for the sandbox's API server (or another address) with the given bearer token. */
async function tokenKubeconfig(name: string, token: string, server?: string): Promise<string> {
  const config = parse(await readFile(kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string } }[];
    users: { user: { token: string } }[];
  };
  const [cluster] = config.clusters;
  const [user] = config.users;
  assert.ok(cluster && user, `${kubeconfig} has a cluster and a user`);
  if (server) cluster.cluster.server = server;
  user.user.token = token;
  const path = join(scratch, `${name}.kubeconfig`);
  await writeFile(path, stringify(config), { mode: 0o600 });
  return path;
}

function check(report: PreflightReport, name: string): { passed: boolean; reason: string } {
  const found = report.checks.find((c) => c.name === name);
  assert.ok(found, `preflight has a check named ${name}: ${report.checks.map((c) => c.name).join(', ')}`);
  return found;
}

/** A loopback port nobody listens on. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure, `an ApplicationFailure, not ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

describe('cluster activities on the sandbox', { concurrency: false }, () => {
  before(async () => {
    const status = await sandbox();
    kubeconfig = status.kubeconfig;
    scratch = await mkdtemp(join(tmpdir(), 'baton-cluster-it-'));
    activities = createClusterActivities({ kubeconfig });
    admin = new KubeConfig();
    admin.loadFromFile(kubeconfig);
    await activities.applyManifests({ platform, environment, manifests: [namespaceManifest(namespace)] });
  });

  after(async () => {
    await activities.deleteResources({
      objects: [
        { apiVersion: 'v1', kind: 'Namespace', name: namespace },
        { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: `widgets.${group}` },
      ],
      timeoutMs: 60_000,
    });
    await rm(scratch, { recursive: true, force: true });
  });

  describe('preflight', () => {
    it('passes on the sandbox, with each check and its reason', async () => {
      const report = await activities.preflight({ platform, minKubernetesVersion: '1.30' });
      assert.equal(report.passed, true, JSON.stringify(report.checks.filter((c) => !c.passed)));
      assert.match(check(report, 'api-reachable').reason, /127\.0\.0\.1/);
      assert.match(check(report, 'server-version').reason, /^v1\.34\.4 >= 1\.30$/);
      assert.match(check(report, 'nodes-ready').reason, /^3 nodes Ready/);
      assert.equal(check(report, 'permission create customresourcedefinitions.apiextensions.k8s.io').passed, true);
    });

    it('fails the version check for a newer minimum', async () => {
      const report = await activities.preflight({ platform, minKubernetesVersion: 'v1.99.0' });
      assert.equal(report.passed, false);
      assert.deepEqual(check(report, 'server-version'), {
        name: 'server-version',
        passed: false,
        reason: 'v1.34.4 is older than the minimum v1.99.0',
      });
    });

    it('fails precisely for a wrong token: the server answers, the credentials are rejected', async () => {
      const wrong = createClusterActivities({ kubeconfig: await tokenKubeconfig('wrong-token', 'not-a-valid-token') });
      const report = await wrong.preflight({ platform, minKubernetesVersion: '1.30' });
      assert.equal(report.passed, false);
      assert.equal(check(report, 'api-reachable').passed, true);
      const authenticated = check(report, 'authenticated');
      assert.equal(authenticated.passed, false);
      assert.match(authenticated.reason, /401/);
      for (const other of report.checks.slice(2))
        assert.deepEqual([other.passed, other.reason], [false, 'not checked: the credentials were rejected'], other.name);
    });

    it('fails precisely for a ServiceAccount that may only get pods', async () => {
      const sa = 'pod-reader';
      await activities.applyManifests({
        platform,
        environment,
        manifests: [
          { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace } },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'Role',
            metadata: { name: sa, namespace },
            rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: sa, namespace },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa },
            subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
          },
        ],
      });
      const tokenRequest = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
        name: sa,
        namespace,
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [], expirationSeconds: 600 } },
      });
      const token = tokenRequest.status?.token;
      assert.ok(token, 'the TokenRequest returned a token');
      const reader = createClusterActivities({ kubeconfig: await tokenKubeconfig('pod-reader', token) });

      const report = await reader.preflight({
        platform,
        minKubernetesVersion: '1.30',
        permissions: [
          { verb: 'get', resource: 'pods', namespace },
          { verb: 'delete', resource: 'pods', namespace },
          { verb: 'create', resource: 'namespaces' },
        ],
      });
      assert.equal(report.passed, false);
      assert.equal(check(report, 'api-reachable').passed, true);
      assert.equal(
        check(report, 'authenticated').reason,
        `authenticated as system:serviceaccount:${namespace}:${sa} (groups system:serviceaccounts, system:serviceaccounts:${namespace}, system:authenticated)`,
      );
      assert.equal(check(report, 'server-version').passed, true);
      const nodes = check(report, 'nodes-ready');
      assert.equal(nodes.passed, false);
      assert.match(
        nodes.reason,
        /^cannot list nodes: 403 Forbidden: nodes is forbidden: User "system:serviceaccount:.*:pod-reader" cannot list resource "nodes"/,
      );
      assert.equal(check(report, `permission get pods in ${namespace}`).passed, true);
      assert.deepEqual(check(report, `permission delete pods in ${namespace}`).passed, false);
      assert.deepEqual(check(report, 'permission create namespaces').passed, false);

      const defaults = await reader.preflight({ platform, minKubernetesVersion: '1.30' });
      const permissionChecks = defaults.checks.filter((c) => c.name.startsWith('permission '));
      assert.ok(permissionChecks.length >= 20, 'the default permissions are checked one verb/resource at a time');
      assert.deepEqual(
        permissionChecks.filter((c) => c.passed),
        [],
        'none of Baton’s permissions is granted',
      );
    });

    it('fails api-reachable, naming the address, where nothing listens; it does not throw', async () => {
      const port = await unusedPort();
      const nowhere = createClusterActivities({ kubeconfig: await tokenKubeconfig('nowhere', 'x', `https://127.0.0.1:${port}`) });
      const report = await nowhere.preflight({ platform, minKubernetesVersion: '1.30' });
      assert.equal(report.passed, false);
      const reachable = check(report, 'api-reachable');
      assert.equal(reachable.passed, false);
      assert.match(reachable.reason, new RegExp(`^cannot reach the API server at https://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
      for (const other of report.checks.slice(1)) assert.equal(other.passed, false, other.name);
    });
  });

  describe('apply and readiness', () => {
    it('applies a 3-replica Deployment and waits until its kwok pods are Ready, heartbeating what is left', async () => {
      const { applied } = await activities.applyManifests({ platform, environment, manifests: [deploymentManifest('web', 3)] });
      const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 1_000 }, { logger: quietLogger });
      const beats: unknown[] = [];
      env.on('heartbeat', (details: unknown) => beats.push(details));
      const result = (await env.run(activities.awaitReady, { objects: applied, timeoutMs: 60_000 })) as ReadyResult;
      assert.deepEqual(result.ready, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace }]);
      assert.ok(beats.length >= 1, 'heartbeats while waiting');

      const pods = await admin.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: 'app=web' });
      assert.equal(pods.items.length, 3);
      for (const pod of pods.items) {
        assert.match(pod.spec?.nodeName ?? '', /^kwok-node-/);
        assert.equal(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
      }
      const again = await activities.applyManifests({ platform, environment, manifests: [deploymentManifest('web', 3)] });
      assert.deepEqual(again.applied, applied, 'applying again is harmless');
    });

    it('applies a CRD before its custom resource (given in the other order) and waits for both', async () => {
      const { applied } = await activities.applyManifests({ platform, environment, manifests: [widget('first', 3), widgetCrd] });
      assert.deepEqual(
        applied.map((o) => o.kind),
        ['CustomResourceDefinition', 'Widget'],
      );
      const result = await activities.awaitReady({ objects: applied, timeoutMs: 30_000 });
      assert.equal(result.ready.length, 2);
      const stored = await KubernetesObjectApi.makeApiClient(admin).read({
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: { name: 'first', namespace },
      });
      assert.deepEqual((stored as unknown as { spec: unknown }).spec, { size: 3 });
      const managers = stored.metadata?.managedFields?.map((field) => field.manager);
      assert.ok(managers?.includes('baton'), `server-side applied by the baton field manager: ${managers?.join(', ')}`);
    });

    it('names the object and the API message when a manifest is rejected', async () => {
      const bad = deploymentManifest('bad', 1);
      (bad.spec as { selector: unknown }).selector = { matchLabels: { app: 'other' } };
      const failure = await failureOf(activities.applyManifests({ platform, environment, manifests: [bad] }));
      assert.equal(failure.nonRetryable, true);
      assert.equal(failure.type, failureTypes.manifestRejected);
      assert.equal(
        failure.message,
        `Deployment ${namespace}/bad rejected (422 Invalid): Deployment.apps "bad" is invalid: spec.template.metadata.labels: Invalid value: {"app":"bad"}: \`selector\` does not match template \`labels\``,
      );
    });

    it('rejects a kind the server does not serve, naming it', async () => {
      const failure = await failureOf(
        activities.applyManifests({
          platform,
          environment,
          manifests: [{ apiVersion: 'nothing.example.com/v1', kind: 'Ghost', metadata: { name: 'boo', namespace } }],
        }),
      );
      assert.equal(failure.type, failureTypes.unknownKind);
      assert.equal(failure.message, `Ghost ${namespace}/boo: the server does not serve nothing.example.com/v1 Ghost`);
    });

    it('times out listing what is not ready, and heartbeats the same list', async () => {
      const stuck = deploymentManifest('stuck', 1, { nodeSelector: { 'baton.dev/no-such-node': 'true' } });
      const { applied } = await activities.applyManifests({ platform, environment, manifests: [stuck] });
      const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 600 }, { logger: quietLogger });
      const beats: { waitingFor: string[] }[] = [];
      env.on('heartbeat', (details: { waitingFor: string[] }) => beats.push(details));
      const failure = await failureOf(env.run(activities.awaitReady, { objects: applied, timeoutMs: 1_500 }));
      assert.equal(failure.type, failureTypes.notReady);
      assert.equal(failure.message, `not ready after 2s: Deployment ${namespace}/stuck: 0/1 available`);
      assert.deepEqual(beats.at(-1), { waitingFor: [`Deployment ${namespace}/stuck: 0/1 available`] });
    });
  });

  describe('delete and orphans', () => {
    it('reports an object held by a finalizer, then deletes it once released', async () => {
      const held: KubernetesManifest = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'held', namespace, finalizers: ['baton.dev/hold'] },
        data: { a: 'b' },
      };
      const { applied } = await activities.applyManifests({ platform, environment, manifests: [held] });
      const failure = await failureOf(activities.deleteResources({ objects: applied, timeoutMs: 1_000 }));
      assert.equal(failure.type, failureTypes.deleteTimeout);
      assert.equal(
        failure.message,
        `still present after 1s: ConfigMap ${namespace}/held (held by finalizers baton.dev/hold; deletion in progress)`,
      );
      await KubernetesObjectApi.makeApiClient(admin).patch(
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace, finalizers: [] } },
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
      const result = await activities.deleteResources({ objects: applied, timeoutMs: 10_000 });
      assert.deepEqual(result, { deleted: [], alreadyAbsent: applied });
    });

    it('finds planted orphans of every kind, and only the platform’s', async () => {
      const orphanPlatform = `orphans-${run}`;
      const planted: KubernetesManifest[] = [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'left-behind', namespace }, data: {} },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `baton-it-${run}-left-behind` }, rules: [] },
        widget('left-behind', 1),
      ];
      await activities.applyManifests({ platform: orphanPlatform, environment, manifests: planted });
      await activities.applyManifests({
        platform: `someone-else-${run}`,
        environment,
        manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-mine', namespace }, data: {} }],
      });

      const found = await activities.findOrphans({ platform: orphanPlatform });
      const expected: ManagedObject[] = [
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: `baton-it-${run}-left-behind` },
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'left-behind', namespace },
        { apiVersion: `${group}/v1`, kind: 'Widget', name: 'left-behind', namespace },
      ];
      assert.deepEqual(found, expected);
      await activities.deleteResources({ objects: found, timeoutMs: 30_000 });
      assert.deepEqual(await activities.findOrphans({ platform: orphanPlatform }), []);
    });

    it('deletes a namespace with its workloads and waits until it is gone', async () => {
      const doomed = `${namespace}-doomed`;
      const manifests = [
        namespaceManifest(doomed),
        { ...deploymentManifest('doomed', 2), metadata: { name: 'doomed', namespace: doomed } },
      ];
      const { applied } = await activities.applyManifests({ platform, environment, manifests });
      await activities.awaitReady({ objects: applied, timeoutMs: 60_000 });
      const started = Date.now();
      const result = await activities.deleteResources({
        objects: [{ apiVersion: 'v1', kind: 'Namespace', name: doomed }],
        timeoutMs: 90_000,
      });
      assert.deepEqual(result.deleted, [{ apiVersion: 'v1', kind: 'Namespace', name: doomed }]);
      await assert.rejects(admin.makeApiClient(CoreV1Api).readNamespace({ name: doomed }), (err: { code?: number }) => err.code === 404);
      process.stderr.write(`namespace ${doomed} deleted in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    });
  });
});

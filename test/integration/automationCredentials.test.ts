import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuthenticationV1Api } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { parse, stringify } from 'yaml';
import { createAnsibleActivities } from '../../src/activities/ansible/index.js';
import { createClusterActivities } from '../../src/activities/cluster/index.js';
import { loadKubeConfig } from '../../src/activities/cluster/client.js';
import type { ManagedObject, PlaybookName, PlaybookSummary } from '../../src/activities/interfaces.js';
import { argoCdRelease } from '../../src/sandbox/index.js';
import { managedLabels } from '../../src/spec/labels.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import { kubectl, secretToken, settingsFor, tokenCan } from '../support/ansibleCluster.js';
import { emptyClusterSandbox, portShifts, type EmptyClusterSandbox } from '../support/sandbox.js';

/** Its own platform, so it never shares objects with the other bootstrap-layer tests. */
const platform = 'automation-it';
const automationAccount = 'system:serviceaccount:baton-system:baton-automation';
const features = { argoEvents: false, argoRollouts: false, kargo: false };
const crd: ManagedObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  name: 'widgets.automation-it.baton.dev',
};
const scratchNamespace: ManagedObject = { apiVersion: 'v1', kind: 'Namespace', name: 'automation-it-scratch' };

/** A cluster of its own that starts without Argo CD, so bootstrap, rotation and teardown run as in phase 1 and 4. */
let sandbox: EmptyClusterSandbox;
let adminKubeconfig = '';
let manifestsDir = '';
let argoCdVersion = '';
let argocd = { url: '', passwordFile: '' };
let work = '';
let automationKubeconfig = '';

/** Without withArgoCd the playbooks skip the steps that need an Argo CD session. */
function runPlaybook(playbook: PlaybookName, kubeconfig = adminKubeconfig): Promise<PlaybookSummary> {
  const settings = { ...settingsFor(kubeconfig, manifestsDir, argocd), automationKubeconfigFile: automationKubeconfig };
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 30_000 });
  return env.run(createAnsibleActivities(settings).runPlaybook, { playbook, platform, environment: 'dev', features });
}

/** The cluster zone as a worker given both kubeconfigs builds it; `run` calls an activity in an activity context that records what it logs. */
function clusterZone() {
  const logged: string[] = [];
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('INFO', (entry) => logged.push(entry.message)) });
  // As Temporal would, a retryable failure (a new CRD's storage still starting: 503) is tried again.
  const run = async <T>(activity: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await env.run(activity)) as T;
      } catch (err) {
        if (attempt === 5 || !(err instanceof ApplicationFailure) || err.nonRetryable) throw err;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  };
  return { activities: createClusterActivities({ kubeconfig: adminKubeconfig, automationKubeconfig }), run, logged };
}

/** The admin kubeconfig with its CA in a file next to it, named by a relative certificate-authority path. */
async function withCaFile(): Promise<string> {
  const config = parse(await readFile(adminKubeconfig, 'utf8')) as { clusters: { cluster: Record<string, string> }[] };
  for (const { cluster } of config.clusters) {
    await writeFile(join(work, 'ca.crt'), Buffer.from(cluster['certificate-authority-data'] ?? '', 'base64'));
    delete cluster['certificate-authority-data'];
    cluster['certificate-authority'] = 'ca.crt';
  }
  const path = join(work, 'ca-file.kubeconfig');
  await writeFile(path, stringify(config), { mode: 0o600 });
  return path;
}

/** Whom the API server takes a kubeconfig for (a SelfSubjectReview made with it). */
async function authenticatedAs(kubeconfig: string): Promise<string | undefined> {
  const api = loadKubeConfig(kubeconfig).makeApiClient(AuthenticationV1Api);
  return (await api.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } })).status
    ?.userInfo?.username;
}

async function applyAsAdmin(manifest: object): Promise<void> {
  const file = join(work, 'manifest.json');
  await writeFile(file, JSON.stringify(manifest));
  await kubectl(adminKubeconfig, 'apply', '-f', file);
}

describe('the automation credentials handed to the cluster zone', { concurrency: false }, () => {
  before(async () => {
    sandbox = await emptyClusterSandbox(portShifts.integration.emptyCluster);
    adminKubeconfig = sandbox.status.kubeconfig;
    argocd = { url: sandbox.status.argocd.url, passwordFile: sandbox.status.argocd.passwordFile };
    ({ manifestsDir, version: argoCdVersion } = await argoCdRelease(sandbox.config));
    work = await mkdtemp(join(tmpdir(), 'baton-automation-'));
    automationKubeconfig = join(work, 'automation.kubeconfig');
  });

  after(async () => {
    await sandbox?.remove();
    await rm(work, { recursive: true, force: true });
  });

  it('rotation writes a 0600 kubeconfig that authenticates as the automation ServiceAccount', { timeout: 300_000 }, async () => {
    const bootstrapped = await runPlaybook('bootstrap');
    assert.equal(bootstrapped.failed, 0);
    await assert.rejects(stat(automationKubeconfig), { code: 'ENOENT' }, 'bootstrap itself writes no credentials');
    // Rotation logs in to Argo CD, which the sandbox starts once bootstrap's install is in the cluster.
    assert.equal(await sandbox.argoCdVersionWithin(60_000, argoCdVersion), argoCdVersion);
    const rotated = await runPlaybook('rotate-credentials');
    assert.equal(rotated.failed, 0);
    console.log(`bootstrap ${bootstrapped.durationMs}ms, rotate-credentials ${rotated.durationMs}ms`);

    assert.equal((await stat(automationKubeconfig)).mode & 0o777, 0o600);
    const config = loadKubeConfig(automationKubeconfig);
    assert.equal(config.getCurrentCluster()?.server, loadKubeConfig(adminKubeconfig).getCurrentCluster()?.server);
    assert.equal(config.getContextObject(config.getCurrentContext())?.namespace, 'baton-system');
    assert.equal(await authenticatedAs(automationKubeconfig), automationAccount);
  });

  it('rotation also reads a CA that baton_kubeconfig names by a relative path', { timeout: 60_000 }, async () => {
    await rm(automationKubeconfig);
    const rotated = await runPlaybook('rotate-credentials', await withCaFile());
    assert.equal(rotated.failed, 0);
    assert.equal(await authenticatedAs(automationKubeconfig), automationAccount);
  });

  it('may delete CRDs, and still may not create Applications or CRDs nor read Secrets cluster-wide', { timeout: 30_000 }, async () => {
    const token = await secretToken(adminKubeconfig, 'baton-system', 'baton-automation');
    assert.equal(await tokenCan(adminKubeconfig, token, 'delete', 'apiextensions.k8s.io', 'customresourcedefinitions'), true);
    assert.equal(await tokenCan(adminKubeconfig, token, 'create', 'apiextensions.k8s.io', 'customresourcedefinitions'), false);
    assert.equal(await tokenCan(adminKubeconfig, token, 'patch', 'apiextensions.k8s.io', 'customresourcedefinitions'), false);
    assert.equal(await tokenCan(adminKubeconfig, token, 'create', 'argoproj.io', 'applications'), false);
    assert.equal(await tokenCan(adminKubeconfig, token, 'list', '', 'secrets'), false);
  });

  it(
    'has least privilege, asked as itself: no Secret outside baton-system, no role made or bound, no Application written, no impersonation',
    { timeout: 60_000 },
    async () => {
      const token = await secretToken(adminKubeconfig, 'baton-system', 'baton-automation');
      const can = (verb: string, group: string, resource: string, namespace?: string) =>
        tokenCan(adminKubeconfig, token, verb, group, resource, namespace);
      for (const namespace of ['kube-system', 'argocd', 'default'])
        for (const verb of ['get', 'list', 'watch'])
          assert.equal(await can(verb, '', 'secrets', namespace), false, `${verb} Secrets in ${namespace}`);
      assert.equal(await can('get', '', 'secrets', 'baton-system'), true, 'its own namespace, where its token lives');
      for (const resource of ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'])
        for (const verb of ['create', 'update', 'patch', 'delete', 'bind', 'escalate'])
          assert.equal(await can(verb, 'rbac.authorization.k8s.io', resource), false, `${verb} ${resource}`);
      for (const verb of ['create', 'update', 'patch', 'delete'])
        assert.equal(await can(verb, 'argoproj.io', 'applications', 'argocd'), false, `${verb} Applications`);
      for (const [group, resource] of [
        ['', 'users'],
        ['', 'groups'],
        ['', 'serviceaccounts'],
        ['authentication.k8s.io', 'uids'],
      ] as const)
        assert.equal(await can('impersonate', group, resource), false, `impersonate ${resource}`);

      // Baton's Argo CD account acts on its own AppProject only, asked as itself (Argo CD's can-i).
      const baton = await secretToken(adminKubeconfig, 'baton-system', 'baton-argocd-token');
      const argoCdCan = async (resource: string, action: string, object: string) => {
        const response = await fetch(`${argocd.url}/api/v1/account/can-i/${resource}/${action}/${object}`, {
          headers: { Authorization: `Bearer ${baton}` },
        });
        assert.equal(response.status, 200, await response.clone().text());
        return ((await response.json()) as { value: string }).value === 'yes';
      };
      const project = `${platform}-dev`;
      assert.equal(await argoCdCan('applications', 'sync', `${project}/web`), true, 'its own project');
      for (const other of ['default', 'other-dev'])
        for (const action of ['get', 'create', 'sync', 'delete'])
          assert.equal(await argoCdCan('applications', action, `${other}/web`), false, `${action} in project ${other}`);
      for (const [resource, action] of [
        ['projects', 'update'],
        ['clusters', 'create'],
        ['repositories', 'create'],
        ['accounts', 'update'],
      ] as const)
        assert.equal(await argoCdCan(resource, action, '*'), false, `${action} ${resource}`);

      // No repository credential in the cluster could push to the platform's Git repository: Argo CD reads it as it is.
      const repositories = JSON.parse(
        await kubectl(
          adminKubeconfig,
          'get',
          'secrets',
          '-A',
          '-l',
          'argocd.argoproj.io/secret-type in (repository,repo-creds,repo-write-creds)',
          '-o',
          'json',
        ),
      ) as { items: { metadata: { name: string }; data?: Record<string, string> }[] };
      for (const secret of repositories.items)
        assert.deepEqual(
          Object.keys(secret.data ?? {}).filter((key) => /password|sshPrivateKey|githubApp|bearerToken|tlsClientCertKey/.test(key)),
          [],
          `${secret.metadata.name} holds no Git credential`,
        );
    },
  );

  it(
    'deleteResources acts as the automation ServiceAccount; the orphan check keeps the start kubeconfig',
    { timeout: 60_000 },
    async () => {
      await applyAsAdmin({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: crd.name, labels: managedLabels(platform, 'dev') },
        spec: {
          group: 'automation-it.baton.dev',
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            },
          ],
        },
      });
      // Until Established its kind's storage is still starting, and listing it answers 503.
      await kubectl(adminKubeconfig, 'wait', 'customresourcedefinition', crd.name, '--for=condition=Established', '--timeout=30s');
      await applyAsAdmin({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: scratchNamespace.name } });
      const { activities, run, logged } = clusterZone();

      const orphans = await run(() => activities.findOrphans({ platform }));
      assert.ok(
        orphans.some((object) => object.name === crd.name),
        `the labelled CRD is found: ${orphans.map((o) => o.name).join(', ')}`,
      );

      const removed = await run(() => activities.deleteResources({ objects: [crd], timeoutMs: 30_000 }));
      assert.deepEqual(removed.deleted, [crd]);
      assert.equal(await kubectl(adminKubeconfig, 'get', 'customresourcedefinition', crd.name, '--ignore-not-found', '-o', 'name'), '');

      // The API names the identity it refused: the ServiceAccount, not the worker's start kubeconfig.
      const refused = await run(() => activities.deleteResources({ objects: [scratchNamespace], timeoutMs: 10_000 })).then(
        () => assert.fail('the automation ServiceAccount deleted a namespace'),
        (err: unknown) => err,
      );
      assert.ok(refused instanceof ApplicationFailure, String(refused));
      assert.equal(refused.type, failureTypes.forbidden);
      assert.match(refused.message, new RegExp(`User "${automationAccount}" cannot delete resource "namespaces"`));

      assert.deepEqual(
        logged.filter((message) => message.startsWith('cluster zone acts as')),
        [`cluster zone acts as user admin (${adminKubeconfig})`, `cluster zone acts as ${automationAccount} (${automationKubeconfig})`],
      );
    },
  );

  it('teardown removes the automation kubeconfig and the zone acts as started again', { timeout: 120_000 }, async () => {
    const removed = await runPlaybook('teardown');
    assert.equal(removed.failed, 0);
    console.log(`teardown ${removed.durationMs}ms`);
    await assert.rejects(stat(automationKubeconfig), { code: 'ENOENT' });

    const { activities, run, logged } = clusterZone();
    const gone = await run(() => activities.deleteResources({ objects: [scratchNamespace], timeoutMs: 30_000 }));
    assert.deepEqual(gone.deleted, [scratchNamespace]);
    assert.deepEqual(await run(() => activities.findOrphans({ platform })), [], 'teardown left nothing labelled for the platform');
    assert.deepEqual(logged, [`cluster zone acts as user admin (${adminKubeconfig})`]);
  });
});

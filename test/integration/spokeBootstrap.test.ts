import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnsibleActivities, type AnsibleSettings } from '../../src/activities/ansible/index.js';
import type { PlaybookName, PlaybookSummary } from '../../src/activities/interfaces.js';
import {
  argoCdRelease,
  commitFiles,
  sandboxConfig,
  sandboxDown,
  sandboxUp,
  shiftedPorts,
  type SandboxConfig,
  type SandboxStatus,
} from '../../src/sandbox/index.js';
import { apiRequest, kubectl, labelledObjects, secretToken, tokenCan } from '../support/ansibleCluster.js';
import { adminRequest } from '../support/argoCdSandbox.js';
import { portShifts } from '../support/sandbox.js';

const platform = 'spoke-it';
const environment = 'prod';
const spoke = 'prod';
const project = `${platform}-${environment}`;

/**
 * A sandbox of the test's own: the hub (Argo CD preinstalled) at +8010, the spoke (no Argo CD) at +10010; the extra 10
 * keeps their ports off the other sandboxes' (+4000's redis is +8000's etcd).
 */
async function ownSandboxConfig(shift: number, argocd: 'preinstalled' | 'bootstrap'): Promise<SandboxConfig> {
  return sandboxConfig({
    ...process.env,
    ...shiftedPorts(shift),
    BATON_SANDBOX_ARGOCD: argocd,
    BATON_SANDBOX_DIR: await mkdtemp(join(tmpdir(), 'baton-spoke-')),
  });
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

/** Set before each sandbox starts, so that the after hook stops what a failed start left running. */
const configs: SandboxConfig[] = [];
let hub: { config: SandboxConfig; status: SandboxStatus };
let spokeSandbox: { config: SandboxConfig; status: SandboxStatus };
let settings: AnsibleSettings;
let work = '';

function runPlaybook(playbook: PlaybookName): Promise<PlaybookSummary> {
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 30_000 });
  return env.run(createAnsibleActivities(settings).runPlaybook, {
    playbook,
    platform,
    environment,
    cluster: spoke,
    features: { argoEvents: true, argoRollouts: false, kargo: false },
    sourceRepos: [hub.status.git.url],
  });
}

interface ClusterView {
  name: string;
  server: string;
  connectionState?: { status?: string; message?: string };
  info?: { connectionState?: { status?: string; message?: string } };
}

/** The hub's objects that are not the spoke environment's: they must come through its teardown unchanged. */
async function hubObjectsBesidesTheSpoke(): Promise<string> {
  const kinds = 'namespaces,customresourcedefinitions,clusterroles,clusterrolebindings,serviceaccounts,deployments,appprojects.argoproj.io';
  return kubectl(
    hub.status.kubeconfig,
    'get',
    kinds,
    '-A',
    '-o',
    'jsonpath={range .items[*]}{.kind}/{.metadata.name}@{.metadata.uid} {end}',
  );
}

describe('an environment on a spoke cluster, registered with the hub’s Argo CD', { concurrency: false }, () => {
  let hubBefore = '';

  before(async () => {
    for (const config of [
      await ownSandboxConfig(portShifts.integration.spokeHub, 'preinstalled'),
      await ownSandboxConfig(portShifts.integration.spokeOnly, 'bootstrap'),
    ])
      configs.push(config);
    const [hubConfig, spokeConfig] = configs as [SandboxConfig, SandboxConfig];
    hub = { config: hubConfig, status: await sandboxUp(hubConfig, progress) };
    spokeSandbox = { config: spokeConfig, status: await sandboxUp(spokeConfig, progress) };
    work = await mkdtemp(join(tmpdir(), 'baton-spoke-work-'));
    settings = {
      kubeconfig: hub.status.kubeconfig,
      clusters: { [spoke]: { kubeconfig: spokeSandbox.status.kubeconfig } },
      argocdManifestsDir: (await argoCdRelease(hub.config)).manifestsDir,
      source: { repoURL: hub.status.git.url, targetRevision: hub.status.git.branch },
      argocdUrl: hub.status.argocd.url,
      argocdAdminPasswordFile: hub.status.argocd.passwordFile,
      automationKubeconfigFile: join(work, 'automation.kubeconfig'),
    };
    hubBefore = await hubObjectsBesidesTheSpoke();
  });

  after(async () => {
    for (const config of configs.reverse()) {
      await sandboxDown(config);
      await rm(config.stateDir, { recursive: true, force: true });
    }
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('bootstraps the spoke and registers it, then a second run changes nothing', { timeout: 300_000 }, async () => {
    const first = await runPlaybook('bootstrap');
    assert.equal(first.failed, 0);
    assert.ok(first.changed > 0);
    const second = await runPlaybook('bootstrap');
    assert.equal(second.changed, 0, 'the second run reports changed=0');
    const rotated = await runPlaybook('rotate-credentials');
    assert.equal(rotated.failed, 0);
    console.log(`spoke bootstrap: ${first.durationMs}ms changed=${first.changed}; again ${second.durationMs}ms changed=0`);

    const spokeCrds = await kubectl(spokeSandbox.status.kubeconfig, 'get', 'crd', '-o', 'name');
    assert.match(spokeCrds, /eventbus/, 'the optional CRDs are in the spoke');
    assert.equal(await kubectl(hub.status.kubeconfig, 'get', 'namespace', 'argocd', '-o', 'name'), 'namespace/argocd\n');
    assert.equal(
      await kubectl(spokeSandbox.status.kubeconfig, 'get', 'namespace', 'argocd', '--ignore-not-found', '-o', 'name'),
      '',
      'no Argo CD in the spoke',
    );
    const automation = await secretToken(spokeSandbox.status.kubeconfig, 'baton-system', 'baton-automation');
    assert.equal((await apiRequest(spokeSandbox.status.kubeconfig, automation, 'GET', '/api/v1/nodes')).status, 200);
  });

  it('holds a least-privilege token of the spoke in the cluster Secret, never the admin credential', { timeout: 60_000 }, async () => {
    const config = await kubectl(
      hub.status.kubeconfig,
      'get',
      'secret',
      '-n',
      'argocd',
      `cluster-${spoke}`,
      '-o',
      'jsonpath={.data.config}',
    );
    const { bearerToken } = JSON.parse(Buffer.from(config, 'base64').toString()) as { bearerToken: string };
    const kubeconfig = spokeSandbox.status.kubeconfig;
    const review = await apiRequest(kubeconfig, bearerToken, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    assert.equal(
      (JSON.parse(review.body) as { status: { userInfo: { username: string } } }).status.userInfo.username,
      'system:serviceaccount:baton-system:baton-argocd-manager',
    );
    assert.equal(await tokenCan(kubeconfig, bearerToken, 'create', 'apps', 'deployments'), true);
    assert.equal(await tokenCan(kubeconfig, bearerToken, 'escalate', 'rbac.authorization.k8s.io', 'clusterroles'), false);
    assert.equal(await tokenCan(kubeconfig, bearerToken, 'impersonate', '', 'users'), false);
    assert.equal(await tokenCan(kubeconfig, bearerToken, 'bind', 'rbac.authorization.k8s.io', 'clusterroles'), false);
  });

  it("deploys an Application of the environment's project to the spoke, and refuses one for the hub", { timeout: 180_000 }, async () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: spoke-hello\ndata:\n  greeting: hello from the hub\n';
    await commitFiles(hub.status.git.path, [{ path: 'spoke-it/hello.yaml', content: configMap }], 'Add the spoke test stack');
    const application = (name: string, destination: object) => ({
      metadata: { name, namespace: 'argocd' },
      spec: {
        project,
        source: { repoURL: hub.status.git.url, path: 'spoke-it', targetRevision: hub.status.git.branch },
        destination,
        syncPolicy: { automated: { prune: true }, syncOptions: ['CreateNamespace=true'] },
      },
    });
    await assert.rejects(
      adminRequest(
        hub.status,
        'POST',
        '/api/v1/applications',
        application(`${project}-hub`, { server: 'https://kubernetes.default.svc', namespace: 'hello' }),
      ),
      /not permitted|do not match any of the allowed destinations/,
    );
    await adminRequest(
      hub.status,
      'POST',
      '/api/v1/applications?upsert=true',
      application(`${project}-hello`, { name: spoke, namespace: 'hello' }),
    );
    const deadline = Date.now() + 120_000;
    let greeting = '';
    while (!greeting && Date.now() < deadline) {
      greeting = await kubectl(
        spokeSandbox.status.kubeconfig,
        'get',
        'configmap',
        '-n',
        'hello',
        'spoke-hello',
        '--ignore-not-found',
        '-o',
        'jsonpath={.data.greeting}',
      );
      if (!greeting) await sleep(1_000);
    }
    assert.equal(greeting, 'hello from the hub', 'the ConfigMap reached the spoke');
    // Argo CD refreshes a cluster's connection state on its own schedule (every 10 s): the ConfigMap can arrive first.
    const connection = (cluster: ClusterView | undefined) => (cluster?.info?.connectionState ?? cluster?.connectionState)?.status;
    let registered: ClusterView | undefined;
    const stateDeadline = Date.now() + 60_000;
    for (;;) {
      const clusters = (await adminRequest(hub.status, 'GET', '/api/v1/clusters')) as { items: ClusterView[] };
      registered = clusters.items.find((cluster) => cluster.name === spoke);
      if (connection(registered) === 'Successful' || Date.now() > stateDeadline) break;
      await sleep(1_000);
    }
    assert.equal(
      registered?.server,
      await kubectl(spokeSandbox.status.kubeconfig, 'config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'),
    );
    assert.equal(connection(registered), 'Successful', JSON.stringify(registered));
    await adminRequest(hub.status, 'DELETE', `/api/v1/applications/${project}-hello?cascade=true`);
    while (
      (await kubectl(hub.status.kubeconfig, 'get', 'applications.argoproj.io', '-n', 'argocd', '-o', 'name')).includes(`${project}-hello`)
    )
      await sleep(1_000);
    await kubectl(spokeSandbox.status.kubeconfig, 'delete', 'namespace', 'hello', '--ignore-not-found');
  });

  it("teardown removes the environment from the spoke and the hub, and leaves the hub's other objects", { timeout: 300_000 }, async () => {
    const removed = await runPlaybook('teardown');
    assert.equal(removed.failed, 0);
    assert.equal(removed.keptArgoCd, false);
    assert.deepEqual(await labelledObjects(spokeSandbox.status.kubeconfig, platform), [], 'nothing labelled left in the spoke');
    assert.deepEqual(await labelledObjects(hub.status.kubeconfig, platform), [], 'nothing of the environment left in the hub');
    assert.equal(
      await kubectl(hub.status.kubeconfig, 'get', 'secret', '-n', 'argocd', '-l', 'argocd.argoproj.io/secret-type=cluster', '-o', 'name'),
      '',
    );
    assert.equal(
      await kubectl(hub.status.kubeconfig, 'get', 'appprojects.argoproj.io', '-n', 'argocd', project, '--ignore-not-found', '-o', 'name'),
      '',
    );
    const policies = await kubectl(hub.status.kubeconfig, 'get', 'configmap', '-n', 'argocd', 'argocd-rbac-cm', '-o', 'jsonpath={.data}');
    assert.doesNotMatch(policies, new RegExp(project), 'the environment’s policy is gone');
    assert.equal(await kubectl(spokeSandbox.status.kubeconfig, 'get', 'crd', '-o', 'name'), '', 'the CRDs it installed are gone');
    assert.equal(await hubObjectsBesidesTheSpoke(), hubBefore, "the hub's other objects are untouched");
    const again = await runPlaybook('teardown');
    assert.equal(again.changed, 0, 'teardown is re-runnable');
  });
});

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { argoCdRelease, commitFiles, headRevision, sandboxConfig, type SandboxStatus } from '../../src/sandbox/index.js';
import { sandbox } from '../support/sandbox.js';

const run = Date.now().toString(36);
const application = `hello-it-${run}`;
const namespace = `hello-it-${run}`;
/** This run's copy of the hello stack, so the commit below changes nobody else's source. */
const stackPath = `it/argocd-sandbox-${run}`;

let status: SandboxStatus;
let token = '';

interface ApplicationView {
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string };
    operationState?: { phase?: string; message?: string };
    conditions?: { type: string; message: string }[];
  };
}

/** One call to Argo CD's REST API as admin; rejects on an unexpected status. */
async function argocd(method: string, path: string, body?: unknown, expected = [200]): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${status.argocd.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!expected.includes(response.status)) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
}

describe('Argo CD in the sandbox', { concurrency: false }, () => {
  before(async () => {
    status = await sandbox();
  });

  after(async () => {
    if (token)
      await argocd(
        'DELETE',
        `/api/v1/applications/${application}?cascade=true&propagationPolicy=foreground`,
        undefined,
        [200, 403, 404],
      ).catch(() => {});
    if (status) await commitFiles(status.git.path, [{ path: stackPath, content: null }], `Remove ${stackPath}`).catch(() => {});
  });

  it('serves the pinned version and reports where to reach it', async () => {
    const release = await argoCdRelease(sandboxConfig());
    const { json } = await argocd('GET', '/api/version');
    assert.match((json as { Version: string }).Version, new RegExp(`^${release.version.replaceAll('.', '\\.')}(\\+|$)`));
    assert.equal(status.argocd.version, (json as { Version: string }).Version);
    assert.equal(status.argocd.username, 'admin');
    assert.match(status.git.url, /^file:\/\/\/.+\/platform\.git$/);
    assert.match(status.git.revision ?? '', /^[0-9a-f]{40}$/);
  });

  it('logs in as admin with the password file', async () => {
    const password = (await readFile(status.argocd.passwordFile, 'utf8')).trim();
    const { json } = await argocd('POST', '/api/v1/session', { username: status.argocd.username, password });
    token = (json as { token: string }).token;
    assert.ok(token.length > 20, 'a session token');
    await argocd('POST', '/api/v1/session', { username: 'admin', password: `${password}-wrong` }, [401]);
  });

  it('keeps the admin password off every command line', async () => {
    const password = (await readFile(status.argocd.passwordFile, 'utf8')).trim();
    const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
    const showing: string[] = [];
    for (const pid of pids) {
      const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (commandLine.includes(password))
        showing.push(`${pid}: ${commandLine.replaceAll('\0', ' ').replaceAll(password, '<password>').slice(0, 120)}`);
    }
    assert.deepEqual(showing, [], 'processes whose command line holds the Argo CD admin password');
  });

  it('syncs an Application from the sandbox Git repository to Synced and Healthy, follows a new commit, then deletes it with cascade', async () => {
    assert.ok(token, 'logged in');
    const hello = await readFile(new URL('../../manifests/examples/stacks/hello/hello.yaml', import.meta.url), 'utf8');
    const { revision: first } = await commitFiles(
      status.git.path,
      [{ path: `${stackPath}/hello.yaml`, content: hello }],
      `Add ${stackPath}`,
    );
    assert.equal(await headRevision(status.git.url), first);
    const started = Date.now();
    await argocd('POST', '/api/v1/applications?upsert=true', {
      metadata: { name: application, namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: status.git.url, path: stackPath, targetRevision: status.git.branch },
        destination: { server: 'https://kubernetes.default.svc', namespace },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
      },
    });

    let view: ApplicationView = {};
    while (Date.now() - started < 60_000) {
      view = (await argocd('GET', `/api/v1/applications/${application}`)).json as ApplicationView;
      // The sync operation may still be finishing when the Application already reads Synced and Healthy.
      const settled = view.status?.operationState?.phase !== 'Running';
      if (view.status?.sync?.status === 'Synced' && view.status.health?.status === 'Healthy' && settled) break;
      await sleep(1_000);
    }
    assert.deepEqual(
      { sync: view.status?.sync?.status, health: view.status?.health?.status, operation: view.status?.operationState?.phase },
      { sync: 'Synced', health: 'Healthy', operation: 'Succeeded' },
      JSON.stringify(view.status?.conditions ?? view.status?.operationState),
    );
    assert.equal(view.status?.sync?.revision, first);
    process.stderr.write(`${application} Synced and Healthy after ${((Date.now() - started) / 1000).toFixed(1)}s\n`);

    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(status.kubeconfig);
    const core = kubeconfig.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app.kubernetes.io/name=hello' });
    assert.equal(pods.items.filter((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length, 2);
    assert.equal((await core.readNamespacedConfigMap({ name: 'hello', namespace })).data?.greeting, 'Hello from the sandbox');

    // argocd-cm's timeout.reconciliation is 10 s: a new commit reaches the cluster without a webhook or a refresh.
    const changed = hello.replace('greeting: Hello from the sandbox', 'greeting: Hello again');
    const { revision: second } = await commitFiles(
      status.git.path,
      [{ path: `${stackPath}/hello.yaml`, content: changed }],
      `Change ${stackPath}`,
    );
    const committed = Date.now();
    let greeting: string | undefined;
    while (Date.now() - committed < 45_000) {
      greeting = (await core.readNamespacedConfigMap({ name: 'hello', namespace })).data?.greeting;
      if (greeting === 'Hello again') break;
      await sleep(1_000);
    }
    assert.equal(greeting, 'Hello again', 'the new commit is synced');
    view = (await argocd('GET', `/api/v1/applications/${application}`)).json as ApplicationView;
    assert.equal(view.status?.sync?.revision, second);
    process.stderr.write(`new commit synced after ${((Date.now() - committed) / 1000).toFixed(1)}s\n`);

    await argocd('DELETE', `/api/v1/applications/${application}?cascade=true&propagationPolicy=foreground`);
    const deleting = Date.now();
    let gone = false;
    while (!gone && Date.now() - deleting < 60_000) {
      // Argo CD answers 403 for an Application that does not exist (it does not tell which).
      gone = (await argocd('GET', `/api/v1/applications/${application}`, undefined, [200, 403, 404])).status !== 200;
      if (!gone) await sleep(1_000);
    }
    assert.ok(gone, `${application} is deleted`);
    const left = await core.listNamespacedPod({ namespace, labelSelector: 'app.kubernetes.io/name=hello' });
    const services = await core.listNamespacedService({ namespace });
    assert.deepEqual(
      [...left.items, ...services.items].map((item) => item.metadata?.name),
      [],
      'cascade deleted the stack',
    );
    await core.deleteNamespace({ name: namespace }).catch(() => {});
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { stringify } from 'yaml';
import { commitFiles, type SandboxStatus } from '../../src/sandbox/index.js';
import { stateQuery } from '../../src/workflows/definitions.js';
import type { LifecycleState } from '../../src/workflows/state.js';
import { multiClusterSandbox, type OwnSandbox } from '../support/sandbox.js';
import { startSandboxWorker, type SandboxWorker } from '../support/sandboxWorker.js';
import { repoRoot, toolPath } from '../support/tools.js';

const exec = promisify(execFile);

/**
 * A platform of two stacks, dev on the hub (in-cluster) and prod on a cluster of its own, from one Argo CD; the hub
 * starts without Argo CD (dev's bootstrap installs it), as a real hub would. The crds stack installs a CRD, the shop
 * stack (which depends on it) a ConfigMap, a Deployment and an object of that CRD into its namespace.
 */
const platform = 'envs';
const prefix = 'e2e-envs';
const runId = (environment: string) => `baton/${platform}/${environment}`;
const runLimitMs = 600_000;

const widgetsCrd = 'customresourcedefinition.apiextensions.k8s.io/widgets.envs.baton.dev';

const gitFiles = [
  {
    path: 'envs/crds/widgets.yaml',
    content: stringify({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.envs.baton.dev' },
      spec: {
        group: 'envs.baton.dev',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'string' } } } } },
            },
          },
        ],
      },
    }),
  },
  {
    path: 'envs/shop/shop.yaml',
    content: [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop' }, data: { greeting: 'hello' } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'shop' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'shop' } },
          template: {
            metadata: { labels: { app: 'shop' } },
            spec: { containers: [{ name: 'shop', image: 'example.invalid/shop:1.0', envFrom: [{ configMapRef: { name: 'shop' } }] }] },
          },
        },
      },
      { apiVersion: 'envs.baton.dev/v1', kind: 'Widget', metadata: { name: 'shop' }, spec: { size: 'small' } },
    ]
      .map((object) => stringify(object))
      .join('---\n'),
  },
];

function platformDocument() {
  return {
    apiVersion: 'baton/v1alpha1',
    kind: 'Platform',
    metadata: { name: platform },
    spec: {
      source: { repoURL: status.git.url, targetRevision: 'main' },
      defaults: { healthTimeout: '3m', retry: { maximumAttempts: 2 } },
      stacks: [
        { name: 'crds', path: 'envs/crds' },
        { name: 'shop', path: 'envs/shop', dependsOn: ['crds'] },
      ],
      environments: [
        { name: 'dev', cluster: 'in-cluster' },
        { name: 'prod', cluster: 'prod' },
      ],
    },
  };
}

let sandbox: OwnSandbox;
let status: SandboxStatus;
let worker: SandboxWorker;
let prodShapeBefore: string[];
let platformFile: string;
let temporal: Client;

function kubeconfigOf(cluster: string): string {
  const found = status.clusters.find((candidate) => candidate.name === cluster);
  assert.ok(found, `the sandbox runs cluster ${cluster}: ${JSON.stringify(status.clusters)}`);
  return found.kubeconfig;
}

async function kubectl(cluster: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec(toolPath('kubectl'), ['--kubeconfig', kubeconfigOf(cluster), ...args], {
    timeout: 60_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  return stdout;
}

async function baton(...args: string[]): Promise<string> {
  try {
    const { stdout } = await exec('node', [join(repoRoot, 'bin/baton.js'), ...args], {
      env: { ...sandbox.env, TEMPORAL_ADDRESS: status.temporal.address },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const { stderr, stdout } = err as { stderr?: string; stdout?: string };
    throw new Error(`baton ${args.join(' ')} failed:\n${stderr ?? ''}${stdout ?? ''}`, { cause: err });
  }
}

/** The run's state from its state query, asked in-process: a `baton status` a poll would cost a CLI start each time. */
async function stateOf(environment: string): Promise<LifecycleState> {
  return temporal.workflow.getHandle(runId(environment)).query(stateQuery);
}

async function stateWhen(environment: string, predicate: (s: LifecycleState) => boolean): Promise<LifecycleState> {
  const deadline = Date.now() + runLimitMs;
  for (;;) {
    const state = await stateOf(environment);
    if (predicate(state)) return state;
    if (Date.now() > deadline)
      throw new Error(`${runId(environment)}: state not reached in ${runLimitMs}ms:\n${JSON.stringify(state, null, 2)}`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

interface KubeObject {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

/** The namespaces, CRDs and workloads of a cluster, with the environment each belongs to (Baton's label, or Argo CD's tracking). */
async function objectsOf(cluster: string): Promise<{ ref: string; environment: string | undefined }[]> {
  const list = JSON.parse(
    await kubectl(cluster, 'get', 'namespaces,customresourcedefinitions,deployments,statefulsets', '-A', '-o', 'json'),
  ) as {
    items: KubeObject[];
  };
  return list.items.map(({ kind, metadata }) => {
    const trackedBy = new RegExp(`^${platform}-(\\w+)-`).exec(metadata.annotations?.['argocd.argoproj.io/tracking-id'] ?? '')?.[1];
    return {
      ref: `${kind}/${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name}`,
      environment: metadata.labels?.['baton.dev/environment'] ?? trackedBy,
    };
  });
}

/** What teardown must give back: the cluster's namespaces, CRDs and cluster roles. */
async function shapeOf(cluster: string): Promise<string[]> {
  return (await kubectl(cluster, 'get', 'namespaces,customresourcedefinitions,clusterroles', '-o', 'name'))
    .split('\n')
    .filter(Boolean)
    .sort();
}

interface Application {
  metadata: { name: string };
  spec: { project: string; destination: { name?: string; server?: string; namespace: string } };
  status?: { history?: unknown[]; health?: { status?: string }; resources?: { kind: string; name: string; status?: string }[] };
}

async function applicationsOf(environment: string): Promise<Application[]> {
  const list = JSON.parse(await kubectl('dev', 'get', 'applications.argoproj.io', '-n', 'argocd', '-o', 'json')) as {
    items: Application[];
  };
  return list.items.filter((app) => app.metadata.name.startsWith(`${platform}-${environment}-`));
}

describe('dev on the hub and prod on a cluster of its own, from one Argo CD', { concurrency: false, timeout: 1_200_000 }, () => {
  before(async () => {
    sandbox = await multiClusterSandbox(['dev', 'prod'], 'bootstrap');
    ({ status } = sandbox);
    prodShapeBefore = await shapeOf('prod');
    await commitFiles(status.git.path, gitFiles, 'The environments platform');
    platformFile = join(await mkdtemp(join(tmpdir(), 'baton-envs-')), 'platform.yaml');
    await writeFile(platformFile, stringify(platformDocument()));
    worker = startSandboxWorker(sandbox, prefix);
    temporal = new Client({ connection: await Connection.connect({ address: status.temporal.address }) });
  });

  after(async () => {
    await temporal?.connection.close();
    await worker?.stop();
    await sandbox?.remove();
  });

  it('deploys dev to the hub and prod to its cluster: both runs reach phase 3', async () => {
    const deploy = (environment: string) =>
      baton('deploy', platformFile, '--env', environment, '--task-queue-prefix', prefix, '--repo-url', status.git.url);
    // dev first: its bootstrap installs the Argo CD that prod registers its cluster with; prod starts once that is done.
    assert.equal((await deploy('dev')).trim(), runId('dev'));
    const bootstrapped = await stateWhen('dev', (s) => s.phase.number >= 2 || s.outcome !== 'running' || s.waitingFor !== null);
    assert.ok(bootstrapped.phase.number >= 2, JSON.stringify(bootstrapped, null, 2));
    assert.equal((await deploy('prod')).trim(), runId('prod'));
    const steady = (environment: string) =>
      stateWhen(environment, (s) => s.phase.number === 3 || s.outcome !== 'running' || s.waitingFor !== null);
    const [dev, prod] = await Promise.all([steady('dev'), steady('prod')]);
    assert.equal(dev.phase.number, 3, JSON.stringify(dev, null, 2));
    assert.equal(prod.phase.number, 3, JSON.stringify(prod, null, 2));
    assert.ok(
      prod.stacks.every((stack) => stack.status === 'healthy'),
      JSON.stringify(prod.stacks),
    );
  });

  it("puts each environment's namespaces, CRDs and workloads on its own cluster and none on the other", async () => {
    for (const [cluster, own, other] of [
      ['dev', 'dev', 'prod'],
      ['prod', 'prod', 'dev'],
    ] as const) {
      const objects = await objectsOf(cluster);
      const kinds = new Set(objects.filter((object) => object.environment === own).map((object) => object.ref.split('/')[0]));
      assert.ok(kinds.has('Namespace') && kinds.has('Deployment'), `${cluster} holds ${own}'s namespaces and workloads: ${[...kinds]}`);
      assert.deepEqual(
        objects.filter((object) => object.environment === other).map((object) => object.ref),
        [],
        `nothing of ${other} on cluster ${cluster}`,
      );
    }
    // Argo CD tracks a CRD in its Application's status only: each cluster holds the CRD its own crds stack installed
    // (prod had none before) and the shop stack's object of it.
    assert.ok(!prodShapeBefore.includes(widgetsCrd), 'the prod cluster starts without the CRD');
    for (const cluster of ['dev', 'prod']) {
      assert.ok((await shapeOf(cluster)).includes(widgetsCrd), `cluster ${cluster} holds ${widgetsCrd}`);
      assert.match(await kubectl(cluster, 'get', 'widgets.envs.baton.dev', 'shop', '-n', 'shop', '-o', 'name'), /widget/);
    }
    const prodObjects = await objectsOf('prod');
    assert.ok(!prodObjects.some((object) => object.ref === 'Namespace/argocd'), 'Argo CD runs once, in the hub');
  });

  it("sends prod's Applications to cluster prod in project envs-prod, dev's to in-cluster in envs-dev", async () => {
    const prod = await applicationsOf('prod');
    const dev = await applicationsOf('dev');
    assert.equal(prod.length, 2);
    assert.equal(dev.length, 2);
    for (const app of prod) {
      assert.equal(app.spec.project, `${platform}-prod`, app.metadata.name);
      assert.equal(app.spec.destination.name, 'prod', app.metadata.name);
      assert.equal(app.spec.destination.server, undefined, app.metadata.name);
    }
    // Each environment's crds Application reports the CRD synced, to the destination above.
    for (const app of [...prod, ...dev].filter((candidate) => candidate.metadata.name.endsWith('-crds')))
      assert.deepEqual(
        app.status?.resources?.map(({ kind, name, status }) => ({ kind, name, status })),
        [{ kind: 'CustomResourceDefinition', name: 'widgets.envs.baton.dev', status: 'Synced' }],
        app.metadata.name,
      );
    for (const app of dev) {
      assert.equal(app.spec.project, `${platform}-dev`, app.metadata.name);
      assert.equal(app.spec.destination.name, undefined, app.metadata.name);
    }
  });

  it("registers prod with a bearer token of baton-argocd-manager, not the cluster's admin", async () => {
    const secret = JSON.parse(await kubectl('dev', 'get', 'secret', 'cluster-prod', '-n', 'argocd', '-o', 'json')) as {
      metadata: { labels: Record<string, string> };
      data: Record<string, string>;
    };
    const field = (key: string) => Buffer.from(secret.data[key] ?? '', 'base64').toString();
    assert.equal(secret.metadata.labels['argocd.argoproj.io/secret-type'], 'cluster');
    assert.equal(field('name'), 'prod');
    assert.equal(field('server'), status.clusters[1]?.apiserver);
    const config = JSON.parse(field('config')) as { bearerToken: string; tlsClientConfig: { caData: string } };
    assert.ok(config.tlsClientConfig.caData, 'the secret carries the prod CA');
    const whoami = await kubectl('prod', '--token', config.bearerToken, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}');
    assert.equal(whoami, 'system:serviceaccount:baton-system:baton-argocd-manager');
    const admin = await kubectl('prod', 'config', 'view', '--raw', '--minify', '-o', 'jsonpath={.users[0].user.token}');
    assert.notEqual(config.bearerToken, admin);
  });

  it('tears dev down while prod stays healthy and its Applications are not synced again', async () => {
    const historyOf = async () =>
      Object.fromEntries((await applicationsOf('prod')).map((app) => [app.metadata.name, app.status?.history?.length ?? 0]));
    const before_ = await historyOf();
    await baton('teardown', runId('dev'), '--yes', '--reason', 'dev is done');
    const dev = await stateWhen('dev', (s) => s.outcome !== 'running');
    assert.equal(dev.outcome, 'torn-down', JSON.stringify(dev, null, 2));
    assert.deepEqual(await applicationsOf('dev'), []);

    const prod = await stateOf('prod');
    assert.equal(prod.phase.number, 3);
    assert.ok(
      prod.stacks.every((stack) => stack.status === 'healthy'),
      JSON.stringify(prod.stacks),
    );
    assert.deepEqual(await historyOf(), before_, "prod's sync histories are unchanged");
    assert.ok(
      (await applicationsOf('prod')).every((app) => app.status?.health?.status === 'Healthy'),
      'prod is healthy in Argo CD',
    );
    assert.match(await kubectl('dev', 'get', 'deployment', 'argocd-server', '-n', 'argocd', '-o', 'name'), /argocd-server/);
  });

  it('tears prod down: its registration is gone and nothing Baton labelled stays on the prod cluster', async () => {
    await baton('teardown', runId('prod'), '--yes', '--reason', 'prod is done');
    const prod = await stateWhen('prod', (s) => s.outcome !== 'running');
    assert.equal(prod.outcome, 'torn-down', JSON.stringify(prod, null, 2));
    assert.equal(
      (await kubectl('dev', 'get', 'secrets', '-n', 'argocd', '-l', 'argocd.argoproj.io/secret-type=cluster', '-o', 'name')).trim(),
      '',
    );
    assert.equal(
      (
        await kubectl(
          'prod',
          'get',
          'namespaces,customresourcedefinitions,clusterroles,clusterrolebindings,serviceaccounts,secrets',
          '-A',
          '-l',
          `baton.dev/platform=${platform}`,
          '-o',
          'name',
        )
      ).trim(),
      '',
    );
    assert.deepEqual(await shapeOf('prod'), prodShapeBefore, 'the prod cluster is as it was before the platform');
  });
});

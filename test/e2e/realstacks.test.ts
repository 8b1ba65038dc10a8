import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClusterActivities } from '../../src/activities/cluster/index.js';
import { commitFiles } from '../../src/sandbox/index.js';
import { loadPlatformSpec } from '../../src/spec/load.js';
import { resolveStacks } from '../../src/spec/resolve.js';
import type { LifecycleState } from '../../src/workflows/state.js';
import { startE2eRun, type E2eRun } from '../support/e2eRun.js';
import { folderChanges, realstacksChart, requireRealstacks } from '../support/realstacks.js';
import { emptyClusterSandbox, type EmptyClusterSandbox } from '../support/sandbox.js';
import { repoRoot } from '../support/tools.js';

/**
 * The platform of real upstream charts (manifests/platforms/realstacks.yaml) through its whole life on a
 * sandbox of its own: charts pushed to the sandbox's registry or committed to its Git repository, deployed
 * in dependency order to steady state, a drift healed, torn down in reverse order to the empty cluster.
 */
const platformFile = join(repoRoot, 'manifests/platforms/realstacks.yaml');
const platformDir = join(repoRoot, 'manifests/platforms/realstacks');
/** Where the platform file says the sandbox's chart registry is (the default ports); this sandbox's ports differ. */
const defaultRegistry = '127.0.0.1:15000/charts';
/** The folder of the sandbox's Git repository that holds the platform's own files and its Git-path charts. */
const repoFolder = 'realstacks';
const gitCharts = `${repoFolder}/charts/`;
const workflowId = 'baton/realstacks/sandbox';
const prefix = 'realstacks';

let sandbox: EmptyClusterSandbox;
let run: E2eRun;
let specFile: string;
let before_: { namespaces: string[]; crds: string[]; clusterRoles: string[]; persistentVolumes: string[] };
const times: Record<string, number> = {};

async function clusterShape(): Promise<typeof before_> {
  const names = async (kind: string) => (await run.kubectl('get', kind, '-o', 'name')).split('\n').filter(Boolean).sort();
  return {
    namespaces: await names('namespaces'),
    crds: await names('customresourcedefinitions'),
    clusterRoles: await names('clusterroles'),
    persistentVolumes: await names('persistentvolumes'),
  };
}

function byName(s: LifecycleState): Record<string, string> {
  return Object.fromEntries(s.stacks.map((stack) => [stack.name, stack.status]));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The platform file with this sandbox's registry address, and the charts its stacks name: pushed to the
 * registry (`baton sandbox push-chart`) or committed under realstacks/charts/ with the platform's own files.
 */
async function publishPlatform(): Promise<string> {
  const registry = sandbox.status.registry.repoURL;
  const text = (await readFile(platformFile, 'utf8')).replaceAll(defaultRegistry, registry);
  const dir = await mkdtemp(join(tmpdir(), 'baton-realstacks-'));
  const file = join(dir, 'realstacks.yaml');
  await writeFile(file, text);
  const sources = resolveStacks(await loadPlatformSpec(file)).flatMap((stack) => stack.sources ?? [stack.source]);
  for (const source of sources.filter((s) => s.chart !== undefined)) {
    assert.equal(source.repoURL, registry, `chart ${source.chart} comes from the sandbox's registry`);
    const pushed = await run.baton('sandbox', 'push-chart', await realstacksChart(source.chart!));
    assert.match(pushed, new RegExp(`pushed ${source.chart} ${source.targetRevision}`));
  }
  const charts = sources.flatMap((s) => (s.path?.startsWith(gitCharts) ? [s.path] : []));
  const changes = [...(await folderChanges(platformDir, repoFolder))];
  for (const path of charts) changes.push(...(await folderChanges(await realstacksChart(basename(path)), path)));
  await commitFiles(sandbox.status.git.path, changes, 'Add the real-stacks platform: its values and its Git-path charts');
  return file;
}

describe(
  'a platform of real upstream charts, from a registry and from Git, through its whole life',
  { concurrency: false, timeout: 900_000 },
  () => {
    before(async () => {
      requireRealstacks();
      sandbox = await emptyClusterSandbox();
      run = await startE2eRun(sandbox, prefix);
      before_ = await clusterShape();
      specFile = await publishPlatform();
    });

    after(async () => {
      await run?.stop();
      await sandbox?.remove();
      if (specFile) await rm(join(specFile, '..'), { recursive: true, force: true });
    });

    it('deploys every chart in dependency order to steady state', async (t) => {
      const started = Date.now();
      assert.equal(
        (
          await run.baton('deploy', specFile, '--env', 'sandbox', '--task-queue-prefix', prefix, '--repo-url', sandbox.status.git.url)
        ).trim(),
        workflowId,
      );
      const steady = await run.stateWhen(
        workflowId,
        (s) => s.phase.number === 3 || s.waitingFor !== null || s.outcome !== 'running',
        600_000,
      );
      times.deploy = Date.now() - started;
      t.diagnostic(`deploy to phase 3: ${seconds(times.deploy)}`);
      assert.equal(steady.phase.number, 3, JSON.stringify(steady, null, 2));
      assert.ok(
        steady.stacks.every((s) => s.status === 'healthy'),
        JSON.stringify(byName(steady)),
      );
      // A stack started only once each of its dependencies was Healthy.
      const healthyAt = Object.fromEntries(steady.stacks.map((s) => [s.name, Date.parse(s.healthyAt ?? '')]));
      for (const s of steady.stacks) {
        for (const dependency of s.dependsOn)
          assert.ok(Date.parse(s.startedAt ?? '') >= healthyAt[dependency]!, `${s.name} started after ${dependency} was healthy`);
        t.diagnostic(`${s.name}: healthy after ${seconds(healthyAt[s.name]! - Date.parse(s.startedAt ?? ''))}`);
      }

      // What the values asked for, on the real objects.
      assert.equal(
        await run.kubectl('get', 'service', 'ingress-nginx-controller', '-n', 'ingress-nginx', '-o', 'jsonpath={.spec.type}'),
        'NodePort',
      );
      assert.equal(
        await run.kubectl('get', 'validatingwebhookconfigurations', '-o', 'name', '-l', 'app.kubernetes.io/instance=ingress-nginx'),
        '',
      );
      assert.match(
        await run.kubectl(
          'get',
          'validatingwebhookconfiguration',
          'cert-manager-webhook',
          '-o',
          'jsonpath={.webhooks[0].clientConfig.url}',
        ),
        /^https:\/\/127\.0\.0\.1:/,
      );
      assert.equal(
        await run.kubectl(
          'get',
          'deployment',
          'cert-manager',
          '-n',
          'cert-manager',
          '-o',
          'jsonpath={.spec.template.spec.containers[0].image}',
        ),
        'quay.io/jetstack/cert-manager-controller:v1.21.1',
      );
      assert.match(await run.kubectl('get', 'servicemonitors', '-A', '-o', 'name'), /kube-state-metrics[\s\S]*prometheus-node-exporter/);
      assert.equal(
        await run.kubectl('get', 'pvc', 'grafana', '-n', 'grafana', '-o', 'jsonpath={.status.phase}'),
        'Bound',
        "kwok's volume stages bind the claim",
      );
      assert.equal(
        await run.kubectl(
          'get',
          'deployment',
          'grafana',
          '-n',
          'grafana',
          '-o',
          'jsonpath={.spec.template.spec.containers[?(@.name=="grafana")].env[?(@.name=="GF_SECURITY_ADMIN_PASSWORD")].valueFrom.secretKeyRef.name}',
        ),
        'grafana-admin',
      );
      assert.match(
        await run.kubectl('get', 'crd', 'rollouts.argoproj.io', '-o', 'jsonpath={.metadata.annotations}'),
        /"helm.sh\/resource-policy":"keep"/,
      );
    });

    it('reports a drift made by hand in steady state, and Argo CD heals it', async () => {
      const drifted = 'kube-state-metrics';
      const replicas = () => run.kubectl('get', 'deployment', drifted, '-n', drifted, '-o', 'jsonpath={.spec.replicas}');
      assert.equal(await replicas(), '1');
      await run.kubectl('scale', 'deployment', drifted, '-n', drifted, '--replicas=3');
      const reported = await run.stateWhen(
        workflowId,
        (s) => s.steadyStateEvents.some((e) => e.stack === drifted && e.sync === 'OutOfSync'),
        180_000,
      );
      const drift = reported.steadyStateEvents.find((e) => e.stack === drifted && e.sync === 'OutOfSync')!;
      assert.match(drift.message, /Deployment/, JSON.stringify(drift));
      const healed = await run.stateWhen(
        workflowId,
        (s) => s.steadyStateEvents.at(-1)?.stack === drifted && s.steadyStateEvents.at(-1)?.sync === 'Synced',
        180_000,
      );
      assert.equal(healed.phase.number, 3);
      assert.equal(await replicas(), '1', 'self-heal put the chart’s replicas back');
    });

    it('tears down in reverse order to the empty cluster it started from, kept CRDs included', async (t) => {
      const started = Date.now();
      await run.baton('teardown', workflowId, '--yes', '--reason', 'end of the real-stacks test');
      const done = await run.stateWhen(
        workflowId,
        (s) => s.phase.number === 4 && (s.outcome !== 'running' || s.waitingFor !== null),
        360_000,
      );
      times.teardown = Date.now() - started;
      t.diagnostic(`teardown: ${seconds(times.teardown)}`);
      assert.equal(done.outcome, 'torn-down', JSON.stringify(done, null, 2));
      assert.ok(
        done.stacks.every((s) => s.status === 'deleted'),
        JSON.stringify(byName(done)),
      );
      const finished = Object.fromEntries(done.stacks.map((s) => [s.name, Date.parse(s.finishedAt ?? '')]));
      for (const s of done.stacks)
        for (const dependency of s.dependsOn)
          assert.ok(finished[dependency]! >= finished[s.name]!, `${dependency} deleted after ${s.name}`);
      assert.deepEqual(
        await createClusterActivities({ kubeconfig: sandbox.status.kubeconfig }).findOrphans({ platform: 'realstacks' }),
        [],
      );
      assert.deepEqual(
        await clusterShape(),
        before_,
        'namespaces, CRDs (the kept ones too), cluster roles and volumes as before bootstrap',
      );
    });

    it('`baton report` gives the run with each stack’s time', async (t) => {
      const report = await run.baton('report', workflowId);
      for (const stack of resolveStacks(await loadPlatformSpec(specFile))) assert.match(report, new RegExp(stack.name));
      assert.match(report, /```mermaid\s+gantt/);
      const attempts = report.slice(report.indexOf('## Stack attempts'), report.indexOf('## Steady-state events'));
      assert.match(attempts, /\| grafana \| deploy \| 1 \|/);
      for (const line of attempts.trim().split('\n')) t.diagnostic(line);
    });
  },
);

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ArgoCdClient } from '../../src/activities/argocd/index.js';
import { createClusterActivities } from '../../src/activities/cluster/index.js';
import { commitFiles, sandboxLayout, sandboxWipeCluster, type SandboxStatus } from '../../src/sandbox/index.js';
import type { LifecycleState } from '../../src/workflows/state.js';
import { startE2eRun, type E2eRun } from '../support/e2eRun.js';
import { wholeLifeHandoffs } from '../support/harness.js';
import { emptyClusterSandbox, type EmptyClusterSandbox } from '../support/sandbox.js';
import { repoRoot, toolPath } from '../support/tools.js';

const exec = promisify(execFile);

/** A sandbox of its own whose cluster starts empty (Argo CD too), so teardown can be compared with it. */
let sandbox: EmptyClusterSandbox;
const workflowId = 'baton/demo/e2e';
const prefix = 'e2e';
const brokenStack = 'monitoring';
const exampleFile = join(repoRoot, 'manifests/examples/demo.yaml');

let status: SandboxStatus;
let run: E2eRun;
let before_: { namespaces: string[]; crds: string[]; clusterRoles: string[] };

const kubectl = (...args: string[]) => run.kubectl(...args);
const baton = (...args: string[]) => run.baton(...args);
const state = () => run.state(workflowId);
const stateWhen = (predicate: (s: LifecycleState) => boolean, limitMs: number) => run.stateWhen(workflowId, predicate, limitMs);

function byName(s: LifecycleState): Record<string, string> {
  return Object.fromEntries(s.stacks.map((stack) => [stack.name, stack.status]));
}

/** What a platform's bootstrap and teardown must leave as they found it. */
async function clusterShape(): Promise<typeof before_> {
  const names = async (kind: string) => (await kubectl('get', kind, '-o', 'name')).split('\n').filter(Boolean).sort();
  return {
    namespaces: await names('namespaces'),
    crds: await names('customresourcedefinitions'),
    clusterRoles: await names('clusterroles'),
  };
}

/** How many syncs Argo CD has completed for each of the platform's Applications (its deploy history). */
async function syncCounts(): Promise<Record<string, number>> {
  const client = new ArgoCdClient({ url: status.argocd.url, credentials: { username: 'admin', passwordFile: status.argocd.passwordFile } });
  const counts: Record<string, number> = {};
  for (const s of (await state()).stacks) {
    const app = await client.getApplication('demo', `demo-e2e-${s.name}`);
    counts[s.name] = app?.status?.history?.length ?? 0;
  }
  return counts;
}

describe('the whole lifecycle of the example platform on a sandbox with real Argo CD', { concurrency: false, timeout: 1_800_000 }, () => {
  before(async () => {
    sandbox = await emptyClusterSandbox();
    ({ status } = sandbox);
    run = await startE2eRun(sandbox, prefix);
    before_ = await clusterShape();
    assert.deepEqual(before_.crds, [], "the cluster starts without CRDs, Argo CD's included");
  });

  after(async () => {
    await run?.stop();
    await sandbox?.remove();
  });

  it('a broken stack stops the run in phase 2 with the partial platform shown explicitly', async () => {
    const original = await readFile(join(repoRoot, `manifests/examples/stacks/${brokenStack}/${brokenStack}.yaml`), 'utf8');
    await commitFiles(
      status.git.path,
      [{ path: `stacks/${brokenStack}/${brokenStack}.yaml`, content: original.replace('replicas: 1', 'replicas: one') }],
      'Break monitoring',
    );
    const started = await baton('deploy', exampleFile, '--env', 'e2e', '--task-queue-prefix', prefix, '--repo-url', status.git.url);
    assert.equal(started.trim(), workflowId);

    const stopped = await stateWhen((s) => s.waitingFor !== null || s.outcome !== 'running', 600_000);
    assert.equal(stopped.phase.number, 2, JSON.stringify(stopped, null, 2));
    assert.match(stopped.waitingFor ?? '', /resume/);
    assert.deepEqual(byName(stopped), {
      crds: 'healthy',
      namespaces: 'healthy',
      'cert-manager': 'healthy',
      ingress: 'healthy',
      monitoring: 'failed',
      logging: 'blocked',
      'shop-api': 'blocked',
      'shop-web': 'blocked',
    });
    const failed = stopped.stacks.find((s) => s.name === brokenStack);
    assert.match(failed?.message ?? '', /replicas/, 'the failure carries Argo CD’s message');
    assert.deepEqual(
      stopped.ledger.map((entry) => `${entry.from}->${entry.to}`),
      ['external->bootstrap', 'bootstrap->orchestration'],
    );
  });

  it('the fix committed to Git and `baton resume` complete the run without syncing healthy stacks again', async () => {
    const syncsBefore = await syncCounts();
    const original = await readFile(join(repoRoot, `manifests/examples/stacks/${brokenStack}/${brokenStack}.yaml`), 'utf8');
    await commitFiles(status.git.path, [{ path: `stacks/${brokenStack}/${brokenStack}.yaml`, content: original }], 'Fix monitoring');
    assert.match(await baton('resume', workflowId, '--reason', 'monitoring fixed in Git'), /resume accepted/);

    const steady = await stateWhen((s) => s.phase.number === 3 || s.error !== null, 600_000);
    assert.equal(steady.phase.number, 3, JSON.stringify(steady, null, 2));
    assert.ok(
      steady.stacks.every((s) => s.status === 'healthy'),
      JSON.stringify(byName(steady)),
    );
    assert.equal(steady.authority.platform, 'deployment');
    // From the rotation on, the cluster zone acts as the automation ServiceAccount.
    const automation = sandboxLayout(sandbox.config).automationKubeconfig;
    assert.equal((statSync(automation).mode & 0o777).toString(8), '600');
    assert.equal(
      (await exec(toolPath('kubectl'), ['--kubeconfig', automation, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']))
        .stdout,
      'system:serviceaccount:baton-system:baton-automation',
    );

    const syncsAfter = await syncCounts();
    for (const stack of ['crds', 'namespaces', 'cert-manager', 'ingress']) {
      assert.equal(syncsAfter[stack], syncsBefore[stack], `${stack} was healthy before resume and was not synced again`);
    }
    const client = new ArgoCdClient({
      url: status.argocd.url,
      credentials: { username: 'admin', passwordFile: status.argocd.passwordFile },
    });
    for (const s of steady.stacks) {
      const app = await client.getApplication('demo', `demo-e2e-${s.name}`);
      assert.deepEqual([app?.status?.health?.status, app?.status?.sync?.status], ['Healthy', 'Synced'], `${s.name} in Argo CD`);
    }
    // shop-web is the example's own Helm chart (values.yaml: e2e overrides nothing), its post-install hook run as a PostSync Job;
    // logging is the Kustomize overlay the stack names, with its component.
    assert.equal(await kubectl('get', 'deployment', 'shop-web', '-n', 'shop', '-o', 'jsonpath={.status.readyReplicas}'), '3');
    assert.equal(await kubectl('get', 'job', 'shop-web-smoke-test', '-n', 'shop', '-o', 'jsonpath={.status.succeeded}'), '1');
    assert.equal(
      await kubectl('get', 'daemonset', 'log-agent', '-n', 'logging', '-o', 'jsonpath={.spec.template.spec.tolerations[0].operator}'),
      'Exists',
    );
  });

  it('teardown removes the stacks in reverse order through Argo CD, then what bootstrap installed', async () => {
    await baton('teardown', workflowId, '--yes', '--reason', 'end of the end-to-end test');
    const done = await stateWhen((s) => s.phase.number === 4 && (s.outcome !== 'running' || s.waitingFor !== null), 900_000);
    assert.equal(done.outcome, 'torn-down', JSON.stringify(done, null, 2));
    assert.ok(done.stacks.every((s) => s.status === 'deleted'));
    // Dependents go first: every stack finished deleting after each stack that depends on it.
    const finished = Object.fromEntries(done.stacks.map((s) => [s.name, Date.parse(s.finishedAt ?? '')]));
    const spec = await baton('plan', exampleFile, '--json');
    const teardownOrder = (JSON.parse(spec) as { teardownOrder: string[] }).teardownOrder;
    for (const s of done.stacks)
      for (const dependency of s.dependsOn ?? [])
        assert.ok(finished[dependency]! >= finished[s.name]!, `${dependency} deleted after ${s.name}`);
    assert.equal(teardownOrder.at(-1) === 'crds' || teardownOrder.at(-1) === 'namespaces', true);
    assert.deepEqual(
      done.ledger.filter((entry) => entry.accepted).map((entry) => `${entry.from}->${entry.to}`),
      wholeLifeHandoffs,
    );

    assert.deepEqual(await createClusterActivities({ kubeconfig: status.kubeconfig }).findOrphans({ platform: 'demo' }), []);
    assert.equal(
      existsSync(sandboxLayout(sandbox.config).automationKubeconfig),
      false,
      "teardown took the automation ServiceAccount's kubeconfig away",
    );
    const after_ = await clusterShape();
    assert.deepEqual(after_, before_, 'namespaces, CRDs and cluster roles as before bootstrap');
  });

  it('the run replays against the current code and reports its incident timeline', async () => {
    const replay = await baton('replay', workflowId);
    assert.match(replay, /replay cleanly against the current code/);
    const report = await baton('report', workflowId);
    assert.match(report, /```mermaid\s+gantt/);
    assert.match(report, /monitoring/);
    assert.match(report, /[Cc]ritical path/);
  });

  it('after the cluster is lost, a new run of the same platform starts again from phase 0 and succeeds', async () => {
    await baton('deploy', exampleFile, '--env', 'e2e', '--task-queue-prefix', prefix, '--repo-url', status.git.url);
    await stateWhen((s) => s.phase.number === 3, 600_000);
    const lost = await sandboxWipeCluster(sandbox.config, (line) => process.stderr.write(`${line}\n`));
    assert.equal(lost.temporal.address, status.temporal.address);
    assert.equal(
      (await kubectl('get', 'namespaces', '-l', 'baton.dev/platform=demo', '-o', 'name')).trim(),
      '',
      'the platform is gone with the cluster',
    );
    assert.match(await baton('abort', workflowId, '--reason', 'the cluster was lost'), /abort accepted/);
    await stateWhen((s) => s.outcome !== 'running', 120_000);

    await baton('deploy', exampleFile, '--env', 'e2e', '--task-queue-prefix', prefix, '--repo-url', status.git.url);
    const again = await stateWhen((s) => s.phase.number === 3 || s.waitingFor?.startsWith('resume') === true, 600_000);
    assert.equal(again.phase.number, 3, JSON.stringify(again, null, 2));
    assert.equal(again.ledger[0]?.from, 'external', 'the new run starts from phase 0: external hands the platform to bootstrap');
    assert.ok(
      again.stacks.every((s) => s.status === 'healthy' && s.attempts === 1),
      JSON.stringify(byName(again)),
    );
    const runs = JSON.parse(
      await exec(toolPath('temporal'), [
        'workflow',
        'list',
        '--address',
        status.temporal.address,
        '--query',
        `WorkflowId="${workflowId}"`,
        '--output',
        'json',
      ]).then((out) => out.stdout),
    ) as unknown[];
    assert.ok(runs.length >= 3, `Temporal keeps the earlier runs' histories (${runs.length} runs)`);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { parse, stringify } from 'yaml';
import { ArgoCdClient } from '../../src/activities/argocd/index.js';
import { createClusterActivities } from '../../src/activities/cluster/index.js';
import { argoCdRelease, commitFiles, sandboxWipeCluster, type SandboxStatus } from '../../src/sandbox/index.js';
import type { LifecycleState } from '../../src/workflows/state.js';
import { zoneTaskQueue, type TrustZone } from '../../src/workflows/taskQueues.js';
import { startE2eRun, type E2eRun } from '../support/e2eRun.js';
import { wholeLifeHandoffs } from '../support/harness.js';
import { workerImage, type RunningContainer, type WorkerImage } from '../support/image.js';
import { emptyClusterSandbox, type EmptyClusterSandbox } from '../support/sandbox.js';
import { repoRoot, toolPath } from '../support/tools.js';

const exec = promisify(execFile);

/** A sandbox of its own whose cluster starts empty (Argo CD too), so teardown can be compared with it. */
let sandbox: EmptyClusterSandbox;
const workflowId = 'baton/demo/dev';
const prefix = 'e2e';
const brokenStack = 'monitoring';
/**
 * The example without its promotion settings: an environment that runs freight takes a commit only by promotion
 * (test/e2e/promotion.test.ts), while this test fixes its broken stack by a commit and resume. Written in before().
 */
let exampleFile: string;

const hostname = 'baton-zone-worker';
/** The image's unprivileged user (Dockerfile), who must be able to read the mounted credentials. */
const imageUid = 1000;
const containerZones: TrustZone[] = ['ansible', 'cluster'];
/** Argo CD's manifests in Go's module cache are under /root, which the image's user cannot enter. */
const manifestsInContainer = '/opt/argocd-manifests';

let status: SandboxStatus;
let run: E2eRun;
let image: WorkerImage;
let worker: RunningContainer;
/** The container worker's files: a copy of the kubeconfig, and the state the ansible zone writes. */
let filesDir: string;
/** Where credential rotation in the container leaves the automation ServiceAccount's kubeconfig. */
let automationKubeconfig: string;
let before_: { namespaces: string[]; crds: string[]; clusterRoles: string[] };
/** Every credential value the run had at some point: the admin password before rotation changed it, and more found at the end. */
const credentialsSeen = new Set<string>();

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
    const app = await client.getApplication('demo-dev', `demo-dev-${s.name}`);
    counts[s.name] = app?.status?.history?.length ?? 0;
  }
  return counts;
}

/** Every activity the sandbox's Temporal scheduled on a zone's task queue, with the identity of the worker that ran it. */
async function activityWorkers(): Promise<{ activity: string; queue: string; identity: string }[]> {
  const connection = await Connection.connect({ address: status.temporal.address });
  try {
    const client = new Client({ connection });
    const found: { activity: string; queue: string; identity: string }[] = [];
    for await (const execution of client.workflow.list()) {
      const events = (await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory()).events ?? [];
      const scheduled = new Map<string, { activity: string; queue: string }>();
      for (const event of events) {
        const s = event.activityTaskScheduledEventAttributes;
        if (s) scheduled.set(String(event.eventId), { activity: s.activityType?.name ?? '', queue: s.taskQueue?.name ?? '' });
        const started = event.activityTaskStartedEventAttributes;
        if (started) found.push({ ...scheduled.get(String(started.scheduledEventId))!, identity: started.identity ?? '' });
      }
    }
    return found;
  } finally {
    await connection.close();
  }
}

/** A file the image's user owns, readable by it alone. */
async function ownedCopy(from: string, to: string): Promise<void> {
  await copyFile(from, to);
  await chmod(to, 0o600);
  await chown(to, imageUid, imageUid);
}

/**
 * The ansible and cluster zones' worker runs in the worker image (scripts/build-image.sh) next to its credentials,
 * the workflow and argocd zones' worker outside it.
 */
describe('the whole lifecycle of the example platform on a sandbox with real Argo CD', { concurrency: false, timeout: 1_800_000 }, () => {
  before(async () => {
    image = await workerImage();
    process.stderr.write(`worker image ${image.image}: ${image.sizeMb} MB, built in ${image.totalSeconds} s\n`);
    sandbox = await emptyClusterSandbox();
    ({ status } = sandbox);
    filesDir = await mkdtemp(join(tmpdir(), 'baton-image-worker-'));
    exampleFile = join(filesDir, 'demo.yaml');
    const example = parse(await readFile(join(repoRoot, 'manifests/examples/demo.yaml'), 'utf8')) as {
      spec: { environments: { promotion?: unknown }[] };
    };
    for (const environment of example.spec.environments) delete environment.promotion;
    await writeFile(exampleFile, stringify(example));
    const stateDir = join(filesDir, 'state');
    await mkdir(stateDir);
    await chown(stateDir, imageUid, imageUid);
    // The sandbox's tokens and CA outlive the cluster's loss, so this copy stays valid after it.
    const kubeconfig = join(filesDir, 'kubeconfig');
    await ownedCopy(status.kubeconfig, kubeconfig);
    automationKubeconfig = join(stateDir, 'automation.kubeconfig');
    // Rotation rewrites the admin password (ansible zone) that the argocd zone then logs in with. The sandbox sets a
    // fresh install's password from its own file (Argo CD is installed again after teardown and after the cluster's
    // loss), so that file is a link to the one rotation keeps current.
    const passwordFile = join(stateDir, 'argocd-admin-password');
    await ownedCopy(status.argocd.passwordFile, passwordFile);
    credentialsSeen.add((await readFile(passwordFile, 'utf8')).trim());
    await rm(status.argocd.passwordFile);
    await symlink(passwordFile, status.argocd.passwordFile);
    const { manifestsDir } = await argoCdRelease(sandbox.config);

    run = await startE2eRun(sandbox, prefix, { serve: ['workflows', 'argocd'], argocdPasswordFile: passwordFile });
    worker = await image.start(
      'baton-e2e-zone-worker',
      [
        'worker',
        '--serve',
        containerZones.join(','),
        '--task-queue-prefix',
        prefix,
        '--kubeconfig',
        kubeconfig,
        '--automation-kubeconfig',
        automationKubeconfig,
        '--argocd-url',
        status.argocd.url,
        '--argocd-username',
        'admin',
        '--argocd-password-file',
        passwordFile,
        '--argocd-manifests',
        manifestsInContainer,
      ],
      /baton worker serving/,
      {
        hostname,
        // DEBUG: the SDK logs each activity it starts, with its type.
        env: { TEMPORAL_ADDRESS: status.temporal.address, BATON_LOG_LEVEL: 'DEBUG' },
        mounts: [
          { path: kubeconfig, readOnly: true },
          { path: manifestsDir, target: manifestsInContainer, readOnly: true },
          { path: stateDir, readOnly: false },
        ],
      },
    );
    before_ = await clusterShape();
    assert.deepEqual(before_.crds, [], "the cluster starts without CRDs, Argo CD's included");
  });

  after(async () => {
    await worker?.stop();
    await run?.stop();
    await sandbox?.remove();
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
  });

  it('the worker image runs baton as its unprivileged user: --version and validate of the example platform', async () => {
    const { version } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal((await image.baton(['--version'])).trim(), version);
    assert.match(await image.baton(['validate', 'manifests/examples/demo.yaml']), /valid/i);
    assert.equal((await image.run(['id', '-u'])).trim(), String(imageUid));
    assert.match(await image.run(['ansible-playbook', '--version']), /ansible-playbook/);
  });

  it('a broken stack stops the run in phase 2 with the partial platform shown explicitly', async () => {
    const original = await readFile(join(repoRoot, `manifests/examples/stacks/${brokenStack}/${brokenStack}.yaml`), 'utf8');
    await commitFiles(
      status.git.path,
      [{ path: `stacks/${brokenStack}/${brokenStack}.yaml`, content: original.replace('replicas: 1', 'replicas: one') }],
      'Break monitoring',
    );
    const started = await baton('deploy', exampleFile, '--env', 'dev', '--task-queue-prefix', prefix, '--repo-url', status.git.url);
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
    assert.equal((statSync(automationKubeconfig).mode & 0o777).toString(8), '600');
    assert.equal(
      (
        await exec(toolPath('kubectl'), [
          '--kubeconfig',
          automationKubeconfig,
          'auth',
          'whoami',
          '-o',
          'jsonpath={.status.userInfo.username}',
        ])
      ).stdout,
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
      const app = await client.getApplication('demo-dev', `demo-dev-${s.name}`);
      assert.deepEqual([app?.status?.health?.status, app?.status?.sync?.status], ['Healthy', 'Synced'], `${s.name} in Argo CD`);
    }
    // shop-web is the example's own Helm chart (values.yaml: dev overrides nothing), its post-install hook run as a PostSync Job;
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
    assert.equal(existsSync(automationKubeconfig), false, "teardown took the automation ServiceAccount's kubeconfig away");
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
    await baton('deploy', exampleFile, '--env', 'dev', '--task-queue-prefix', prefix, '--repo-url', status.git.url);
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

    await baton('deploy', exampleFile, '--env', 'dev', '--task-queue-prefix', prefix, '--repo-url', status.git.url);
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

  it('the histories show every ansible and cluster activity run by the container worker, and its log shows them', async () => {
    const ran = await activityWorkers();
    const inContainer = (identity: string) => identity.endsWith(`@${hostname}`);
    for (const zone of containerZones) {
      const queue = zoneTaskQueue(prefix, zone);
      const onQueue = ran.filter((a) => a.queue === queue);
      assert.ok(onQueue.length > 0, `activities ran on ${queue}`);
      assert.deepEqual(
        onQueue.filter((a) => !inContainer(a.identity)),
        [],
        `every activity on ${queue} ran in the container (identity pid@${hostname})`,
      );
    }
    const argocd = ran.filter((a) => a.queue === zoneTaskQueue(prefix, 'argocd'));
    assert.ok(argocd.length > 0 && argocd.every((a) => !inContainer(a.identity)), 'the argocd zone ran outside the container');

    const activities = new Set(ran.filter((a) => inContainer(a.identity)).map((a) => a.activity));
    for (const activity of ['runPlaybook', 'preflight', 'findOrphans']) {
      assert.ok(activities.has(activity), `${activity} ran in the container: ${[...activities].join(', ')}`);
      assert.match(
        worker.output(),
        new RegExp(`Activity started \\{[^}]*activityType: '${activity}'`),
        `the container's log shows ${activity}`,
      );
    }
  });
  it("no raw history holds a credential the run used: Argo CD's passwords and tokens, the automation token, kubeconfig credentials", async () => {
    const kubeconfigSecrets = async (file: string) => {
      const config = parse(await readFile(file, 'utf8')) as { users?: { user?: Record<string, string> }[] };
      return (config.users ?? []).flatMap((u) => [u.user?.token, u.user?.['client-key-data']]).filter((v): v is string => !!v);
    };
    for (const file of await readdir(join(filesDir, 'state')))
      if (/password|token/.test(file)) credentialsSeen.add((await readFile(join(filesDir, 'state', file), 'utf8')).trim());
    for (const value of [...(await kubeconfigSecrets(automationKubeconfig)), ...(await kubeconfigSecrets(status.kubeconfig))])
      credentialsSeen.add(value);
    const secrets = [...credentialsSeen].filter((value) => value.length >= 8);
    assert.ok(secrets.length >= 4, `the scan has the run's credentials to look for (${secrets.length})`);

    const temporal = (...args: string[]) =>
      exec(toolPath('temporal'), [...args, '--address', status.temporal.address, '--output', 'json'], {
        maxBuffer: 256 * 1024 * 1024,
      }).then((out) => out.stdout);
    const runs = JSON.parse(await temporal('workflow', 'list', '--limit', '1000')) as {
      execution: { workflowId: string; runId: string };
    }[];
    assert.ok(runs.length > 10, `the sandbox's Temporal holds the run's histories (${runs.length})`);
    for (const { execution } of runs) {
      const raw = await temporal('workflow', 'show', '--workflow-id', execution.workflowId, '--run-id', execution.runId);
      for (const secret of secrets)
        for (const form of [secret, Buffer.from(secret).toString('base64')])
          assert.ok(
            !raw.includes(form),
            `${execution.workflowId} (${execution.runId}) holds a credential of the run (${secret.slice(0, 4)}…)`,
          );
    }
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { parseAllDocuments, stringify } from 'yaml';
import type { PromotionSummary } from '../../src/cli/commands/promotions.js';
import type { FreightPlacement } from '../../src/cli/commands/freight.js';
import type { Freight } from '../../src/promotion/freight.js';
import type { PromotionState } from '../../src/promotion/state.js';
import { promotionTrailFromHistory } from '../../src/report/promotionTrail.js';
import { commitFiles, type FileChange, type SandboxStatus } from '../../src/sandbox/index.js';
import { stateQuery } from '../../src/workflows/definitions.js';
import { promotion } from '../../src/workflows/promotion.js';
import { promotionStateQuery } from '../../src/workflows/promotionDefinitions.js';
import type { PromotionInput } from '../../src/workflows/promotionInput.js';
import { workflowTaskQueue } from '../../src/workflows/taskQueues.js';
import type { LifecycleState } from '../../src/workflows/state.js';
import { startMetricServer, type MetricServer } from '../support/metricServer.js';
import { multiClusterSandbox, portShifts, type OwnSandbox } from '../support/sandbox.js';
import { startSandboxWorker, type SandboxWorker } from '../support/sandboxWorker.js';
import { repoRoot, toolPath } from '../support/tools.js';

const exec = promisify(execFile);

/**
 * Freight through two environments of one Argo CD: dev on the hub, promoted by itself; prod on a cluster of its own,
 * on request with two approvals, its canary pause approved, verified by an AnalysisRun against a metric server the
 * test controls. The stack is the Rollout example (a canary that pauses) with its AnalysisTemplate `smoke`.
 */
const platform = 'promo';
const prefix = 'e2e-promo';
const runId = (environment: string) => `baton/${platform}/${environment}`;
const exampleDir = join(repoRoot, 'manifests/examples/stacks/rollout-canary');
const stackPath = 'promo/app';
/** Every wait's limit: the warehouse's 30s poll, a sync, a canary and an AnalysisRun fit in it on a quiet machine. */
const waitLimitMs = 240_000;
/**
 * The first deploys' limit: both environments bootstrap at once, and each applies Argo Rollouts' CRDs (3 MB of
 * YAML that Ansible parses per file), the hub Argo CD's too; on a loaded machine (load average 20 on 2 cores) the hub's took over 9 minutes.
 */
const deployLimitMs = 900_000;
/** prod's approvers other than the requester: the promotion and its canary each need two. */
const prodApprovers = ['sre-lead', 'security-lead'];

let sandbox: OwnSandbox;
let status: SandboxStatus;
let worker: SandboxWorker;
let temporal: Client;
let metric: MetricServer;

interface Manifest {
  kind?: string;
  spec?: { template?: { metadata?: { annotations?: Record<string, string> } & Record<string, unknown> } };
}

/** The example's files as commits of the sandbox's repository, the Rollout's pod template marked with `change`. */
async function stackFiles(change: number): Promise<FileChange[]> {
  const names = (await readdir(exampleDir, { recursive: true })).filter((name) => /\.ya?ml$/.test(name));
  assert.ok(names.length > 0, `${exampleDir} holds the Rollout example's manifests`);
  return Promise.all(
    names.map(async (name) => {
      const docs = parseAllDocuments(await readFile(join(exampleDir, name), 'utf8')).map((d) => d.toJS() as Manifest);
      for (const doc of docs.filter((d) => d?.kind === 'Rollout')) {
        const template = doc.spec!.template!;
        template.metadata = {
          ...template.metadata,
          annotations: { ...template.metadata?.annotations, 'baton.dev/e2e-change': String(change) },
        };
      }
      return { path: join(stackPath, name), content: docs.map((d) => stringify(d)).join('---\n') };
    }),
  );
}

const verification = () => ({ analysisTemplates: ['smoke'], args: { url: metric.url } });

/** prod's promotion settings in the spec; the expiry and soak cases start promotions with variants of them. */
function prodPolicy(): PromotionInput['policy'] {
  return {
    from: ['dev'],
    verifiedIn: ['dev'],
    approvals: {
      required: 2,
      from: ['release-lead', 'sre-lead', 'security-lead'],
      expiresAfter: '1h',
      separateFromRequester: true,
    },
    verification: verification(),
  };
}

function platformDocument() {
  return {
    apiVersion: 'baton/v1alpha1',
    kind: 'Platform',
    metadata: { name: platform },
    spec: {
      source: { repoURL: status.git.url, targetRevision: 'main' },
      bootstrap: { argoRollouts: true },
      defaults: { healthTimeout: '3m', retry: { maximumAttempts: 2 } },
      stacks: [{ name: 'app', path: stackPath }],
      environments: [
        { name: 'dev', cluster: 'in-cluster', promotion: { auto: true, verification: verification() } },
        { name: 'prod', cluster: 'prod', promotion: prodPolicy() },
      ],
    },
  };
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The baton CLI against the sandbox: exit code and output, never a throw (refusals are asserted on). */
async function baton(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec('node', [join(repoRoot, 'bin/baton.js'), ...args], {
      env: { ...sandbox.env, TEMPORAL_ADDRESS: status.temporal.address },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout = '', stderr = '' } = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof code === 'number' ? code : -1, stdout, stderr };
  }
}

async function batonOk(...args: string[]): Promise<string> {
  const result = await baton(...args);
  assert.equal(result.code, 0, `baton ${args.join(' ')}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

async function kubectl(cluster: string, ...args: string[]): Promise<string> {
  const kubeconfig = status.clusters.find((c) => c.name === cluster)?.kubeconfig;
  assert.ok(kubeconfig, `the sandbox runs cluster ${cluster}`);
  const { stdout } = await exec(toolPath('kubectl'), ['--kubeconfig', kubeconfig, ...args], {
    timeout: 60_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  return stdout;
}

/** Polls `read` until `done` holds, at most `limitMs`; the last value goes into the failure message. */
async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, limitMs = waitLimitMs): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms; last seen:\n${JSON.stringify(value, null, 2)}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const lifecycleState = (environment: string): Promise<LifecycleState> => temporal.workflow.getHandle(runId(environment)).query(stateQuery);
const promotionState = (id: string): Promise<PromotionState> => temporal.workflow.getHandle(id).query(promotionStateQuery);

/** The promotion's state once it waits for an approval of `purpose`, or is decided. */
function promotionAt(id: string, purpose: PromotionState['waitingFor']): Promise<PromotionState> {
  return waitFor(
    `${id} waiting for ${purpose} approval`,
    () => promotionState(id),
    (s) => s.waitingFor === purpose || s.finishedAt !== null,
  );
}

const decidedState = (id: string) =>
  waitFor(
    `${id} decided`,
    () => promotionState(id),
    (s) => s.finishedAt !== null,
  );

/** Approves a paused canary when the promotion stops at one (the Rollout example pauses at `pause: {}`), by each approver. */
async function approveCanary(id: string, approvers: string[]): Promise<PromotionState> {
  const state = await waitFor(
    `${id} past promoting`,
    () => promotionState(id),
    (s) => s.waitingFor === 'canary' || s.state === 'verifying' || s.finishedAt !== null,
  );
  if (state.waitingFor === 'canary')
    for (const approver of approvers) await batonOk('approve', id, '--as', approver, '--reason', 'canary looks good');
  return decidedState(id);
}

/** The revision each of the environment's Applications points at, from Argo CD's objects on the hub. */
async function targetRevisions(environment: string): Promise<string[]> {
  const list = JSON.parse(await kubectl('dev', 'get', 'applications.argoproj.io', '-n', 'argocd', '-o', 'json')) as {
    items: { metadata: { name: string }; spec: { source?: { targetRevision?: string } }; status?: { health?: { status?: string } } }[];
  };
  return list.items
    .filter((a) => a.metadata.name.startsWith(`${platform}-${environment}-`))
    .map((a) => a.spec.source?.targetRevision ?? '');
}

interface RolloutStatus {
  phase: string;
  /** The pod-template hash of the stable ReplicaSet. */
  stableRS: string;
}

async function rollouts(cluster: string): Promise<RolloutStatus[]> {
  const list = JSON.parse(await kubectl(cluster, 'get', 'rollouts.argoproj.io', '-A', '-o', 'json')) as {
    items: { status?: { phase?: string; stableRS?: string } }[];
  };
  return list.items.map((r) => ({ phase: r.status?.phase ?? 'unknown', stableRS: r.status?.stableRS ?? 'none' }));
}

async function rolloutPhase(cluster: string): Promise<string> {
  return (await rollouts(cluster)).map((r) => r.phase).join(',');
}

/** Commits the next change of the Rollout; resolves with the new commit. */
async function commitChange(change: number): Promise<string> {
  const { revision } = await commitFiles(status.git.path, await stackFiles(change), `The app, change ${change}`);
  return revision;
}

/**
 * A promotion to prod started as the warehouse starts one, under a variant of prod's policy (a short approval window, a
 * long soak) that the spec, shared by every case, does not hold. Its id is the warehouse's with `variant` appended.
 */
async function startProdPromotion(variant: string, freight: Freight, policy: Partial<PromotionInput['policy']>): Promise<string> {
  const workflowId = `baton/${platform}/promotion/${freight.id}-prod-${variant}`;
  const input: PromotionInput = {
    platform,
    environment: 'prod',
    freight,
    requestedBy: 'release-lead',
    policy: { ...prodPolicy(), ...policy },
    repoURL: status.git.url,
    cluster: 'prod',
    lifecycleWorkflowId: runId('prod'),
    taskQueuePrefix: prefix,
  };
  await temporal.workflow.start(promotion, { workflowId, taskQueue: workflowTaskQueue(prefix), args: [input] });
  return workflowId;
}

/** What an environment runs: its freight's revision by its lifecycle run, and its Applications' in Argo CD. */
async function deployed(environment: string): Promise<{ freight: string | undefined; revisions: string[] }> {
  return { freight: (await lifecycleState(environment)).freight?.revision, revisions: await targetRevisions(environment) };
}

/** prod's freight and dev's, each different: where the cases after the expiry and soak case start from. */
async function prodBehindDev(): Promise<{ prod: string; dev: string }> {
  const [prod, dev] = [(await lifecycleState('prod')).freight, (await lifecycleState('dev')).freight];
  assert.ok(prod && dev, 'dev and prod run freight');
  assert.notEqual(prod.revision, dev.revision, 'dev runs newer freight than prod: the expiry and soak case commits it');
  return { prod: prod.revision, dev: dev.revision };
}

/** `baton promote` of dev's freight to prod, approved by both approvers; the promotion's id. */
async function approvedProdPromotion(revision: string): Promise<string> {
  const id = (await batonOk('promote', platform, '--to', 'prod', '--revision', revision, '--as', 'release-lead')).trim();
  await promotionAt(id, 'promotion');
  for (const approver of prodApprovers) await batonOk('approve', id, '--as', approver);
  return id;
}

/** The dev promotion of a commit: the warehouse finds it, dev promotes it by itself (its canary approved), verified. */
async function devPromotionOf(revision: string): Promise<PromotionState> {
  const listed = await waitFor(
    `a dev promotion of ${revision}`,
    async () => JSON.parse(await batonOk('promotions', platform, '--json')) as PromotionSummary[],
    (list) => list.some((p) => p.revision === revision && p.to === 'dev'),
  );
  const id = listed.find((p) => p.revision === revision && p.to === 'dev')!.id;
  return approveCanary(id, ['release-lead']);
}

describe(
  'promotion: freight from dev to prod behind approvals, a canary and verification',
  { concurrency: false, timeout: 1_500_000 },
  () => {
    before(async () => {
      metric = await startMetricServer('ok');
      sandbox = await multiClusterSandbox(['dev', 'prod'], 'preinstalled', portShifts.endToEnd.promotion);
      ({ status } = sandbox);
      await commitChange(0);
      const platformFile = join(await mkdtemp(join(tmpdir(), 'baton-promo-')), 'platform.yaml');
      await writeFile(platformFile, stringify(platformDocument()));
      worker = startSandboxWorker(sandbox, prefix);
      temporal = new Client({ connection: await Connection.connect({ address: status.temporal.address }) });
      for (const environment of ['dev', 'prod'])
        await batonOk('deploy', platformFile, '--env', environment, '--task-queue-prefix', prefix, '--repo-url', status.git.url);
      for (const environment of ['dev', 'prod']) {
        const steady = await waitFor(
          `${runId(environment)} in phase 3`,
          () => lifecycleState(environment),
          (s) => s.phase.number === 3 || s.outcome !== 'running' || s.waitingFor !== null,
          deployLimitMs,
        );
        assert.equal(steady.phase.number, 3, JSON.stringify(steady, null, 2));
        assert.ok(steady.freight, `${environment}'s first deploy pins the branch's commit as its freight`);
      }
    });

    after(async () => {
      await temporal?.connection.close();
      await worker?.stop();
      await sandbox?.remove();
      await metric?.close();
    });

    // The cases run in order, each from where the one before left the environments: change 1 in dev and prod, then
    // change 2 in dev only, which prod fails to take (expired, soak, verification, canary rejected) until the last case.

    it('a commit becomes freight, reaches dev by itself and is verified; prod takes it with two approvals and its canary approved', async (t: TestContext) => {
      const prodBefore = await lifecycleState('prod');
      const revision = await commitChange(1);
      const committedAt = Date.now();
      const dev = await devPromotionOf(revision);
      assert.equal(dev.state, 'succeeded', JSON.stringify(dev, null, 2));
      assert.equal(dev.verification?.phase, 'Successful');
      assert.ok(metric.requests > 0, 'the AnalysisRun asked the metric server');
      const devState = await lifecycleState('dev');
      assert.equal(devState.freight?.revision, revision);
      assert.ok(
        devState.verifiedFreight.some((v) => v.freight === dev.freight.id),
        'dev records the freight verified',
      );
      assert.deepEqual(await targetRevisions('dev'), [revision]);

      const requested = await batonOk('promote', platform, '--to', 'prod', '--revision', revision, '--as', 'release-lead');
      const id = requested.trim();
      assert.match(id, new RegExp(`^baton/${platform}/promotion/${dev.freight.id}-prod$`));
      const waiting = await promotionAt(id, 'promotion');
      assert.equal(waiting.state, 'waiting-approval', JSON.stringify(waiting, null, 2));

      // Refused approvals, each with its message, and the state unchanged.
      const refusals: [string, RegExp][] = [
        ['intruder', /approver intruder is not allowed: allowed are release-lead, sre-lead, security-lead/],
        ['release-lead', /the requester release-lead may not approve their own promotion/],
      ];
      for (const [approver, message] of refusals) {
        const refused = await baton('approve', id, '--as', approver);
        assert.equal(refused.code, 1, refused.stdout);
        assert.match(refused.stderr, message);
      }
      await batonOk('approve', id, '--as', 'sre-lead', '--reason', 'dashboards green');
      const twice = await baton('approve', id, '--as', 'sre-lead');
      assert.equal(twice.code, 1);
      assert.match(twice.stderr, /sre-lead has already approved at /);
      assert.deepEqual(
        (await promotionState(id)).approvals.map((a) => a.approver),
        ['sre-lead'],
        'the refusals changed nothing',
      );
      const unknown = await baton('approve', `baton/${platform}/promotion/f-000000000000-prod`, '--as', 'sre-lead');
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stderr, `no promotion baton/${platform}/promotion/f-000000000000-prod\n`);

      // The second approval from the temporal CLI, as a signal.
      await exec(toolPath('temporal'), [
        'workflow',
        'signal',
        '--address',
        status.temporal.address,
        '--workflow-id',
        id,
        '--name',
        'approvePromotion',
        '--input',
        JSON.stringify({ approver: 'security-lead', reason: 'scan clean' }),
      ]);
      const prod = await approveCanary(id, prodApprovers);
      assert.equal(prod.state, 'succeeded', JSON.stringify(prod, null, 2));
      t.diagnostic(`dev -> prod: ${((Date.now() - committedAt) / 1000).toFixed(1)} s from the commit to prod verified`);
      assert.equal(prod.verification?.phase, 'Successful');
      assert.equal(await rolloutPhase('prod'), 'Healthy');
      assert.deepEqual(await targetRevisions('prod'), [revision]);
      const prodState = await lifecycleState('prod');
      assert.equal(prodState.phase.number, 3);
      assert.deepEqual({ id: prodState.freight?.id, revision: prodState.freight?.revision }, { id: prod.freight.id, revision });
      assert.notEqual(prodBefore.freight?.revision, revision);

      const decided = await baton('approve', dev.id, '--as', 'oncall');
      assert.equal(decided.code, 1);
      assert.match(decided.stderr, /is already succeeded/);

      const statusJson = JSON.parse(await batonOk('status', runId('prod'), '--json')) as LifecycleState;
      assert.equal(statusJson.freight?.id, prod.freight.id);
      const freight = JSON.parse(await batonOk('freight', platform, '--json')) as FreightPlacement[];
      const placed = freight.find((f) => f.id === prod.freight.id);
      assert.deepEqual(
        { deployedIn: placed?.deployedIn.sort(), verifiedIn: placed?.verifiedIn.sort() },
        { deployedIn: ['dev', 'prod'], verifiedIn: ['dev', 'prod'] },
      );
      const listed = (JSON.parse(await batonOk('promotions', platform, '--json')) as PromotionSummary[]).find((p) => p.id === id);
      // The canary's approval follows the promotion's two.
      assert.deepEqual(
        { ...listed, approvals: listed?.approvals.slice(0, 2).map((a) => [a.approver, a.reason]) },
        {
          id,
          freight: prod.freight.id,
          revision,
          to: 'prod',
          requestedBy: 'release-lead',
          state: 'succeeded',
          approvals: [
            ['sre-lead', 'dashboards green'],
            ['security-lead', 'scan clean'],
          ],
        },
      );
    });

    it('baton report of the promotion shows the gates, approvals with identities, the AnalysisRun and the handoffs', async () => {
      const prodFreight = (await lifecycleState('prod')).freight;
      const prodId = (JSON.parse(await batonOk('promotions', platform, '--json')) as PromotionSummary[]).find(
        (p) => p.to === 'prod' && p.state === 'succeeded' && p.freight === prodFreight?.id,
      )?.id;
      assert.ok(prodId, 'a succeeded promotion brought prod its freight: the first case makes it');
      const report = await batonOk('report', prodId);
      assert.match(report, new RegExp(`^- Workflow id: ${prodId}$`, 'm'));
      assert.match(report, /^## Gates$/m);
      assert.match(report, /^\| \S+ \| approve \| promotion \| sre-lead \| dashboards green \| update \| \S+ \|$/m);
      assert.match(report, /^\| \S+ \| approve \| promotion \| security-lead \| scan clean \| signal \| \S+ \|$/m);
      assert.match(report, /^\| \S+ \| deployment \| promotion \| .* \| accepted \|$/m);
      assert.match(report, /^\| \S+ \| promotion \| deployment \| succeeded: .* \| accepted \|$/m);
      assert.match(report, /^## Verification$/m);
      assert.match(report, /\| Successful \|/);
      const environmentReport = await batonOk('report', runId('prod'));
      assert.match(environmentReport, new RegExp(`^\\| ${prodId} \\| .* \\| succeeded \\|`, 'm'));
    });

    it('an expired approval and an unmet soak gate, each with its message, leave prod at its freight and dev untouched', async () => {
      const revision = await commitChange(2);
      const dev = await devPromotionOf(revision);
      assert.equal(dev.state, 'succeeded', JSON.stringify(dev, null, 2));
      const { prod } = await prodBehindDev();

      const expiring = await startProdPromotion('expiry', dev.freight, { approvals: { ...prodPolicy().approvals!, expiresAfter: '3s' } });
      const expired = await decidedState(expiring);
      assert.equal(expired.state, 'expired', JSON.stringify(expired, null, 2));
      assert.equal(expired.message, "the promotion's approval window expired");
      const soaking = await startProdPromotion('soak', dev.freight, { soak: '1h' });
      const unmet = await decidedState(soaking);
      assert.equal(unmet.state, 'failed', JSON.stringify(unmet, null, 2));
      assert.match(
        unmet.message ?? '',
        new RegExp(`^gates not met: soak: dev has run ${dev.freight.id} healthy for \\S+ of the 1h required$`),
      );
      assert.deepEqual(
        unmet.gates.map((g) => [g.name, g.passed]),
        [
          ['verifiedIn', true],
          ['soak', false],
        ],
      );
      assert.deepEqual(await deployed('prod'), { freight: prod, revisions: [prod] });
      assert.deepEqual(await deployed('dev'), { freight: revision, revisions: [revision] });
    });

    it('a failed verification in prod rolls it back to its previous freight, and dev keeps the new one', async (t: TestContext) => {
      const { prod: previous, dev: revision } = await prodBehindDev();
      const [stable] = await rollouts('prod');
      metric.answer('failing');
      try {
        const id = await approvedProdPromotion(revision);
        const failed = await approveCanary(id, prodApprovers);
        assert.equal(failed.state, 'failed', JSON.stringify(failed, null, 2));
        assert.equal(failed.verification?.phase, 'Failed');
        const steps = promotionTrailFromHistory(await temporal.workflow.getHandle(id).fetchHistory()).steps;
        const verification = steps.find((s) => s.activity === 'runVerification');
        const ended = steps.filter((s) => s.activity === 'endPromotion').at(-1);
        assert.ok(verification?.end && ended?.end, JSON.stringify(steps));
        t.diagnostic(
          `rollback: ${((ended.end - verification.end) / 1000).toFixed(1)} s from the failed verification to prod back at its freight`,
        );
      } finally {
        metric.answer('ok');
      }
      assert.equal((await lifecycleState('prod')).phase.number, 3);
      assert.deepEqual(await deployed('prod'), { freight: previous, revisions: [previous] }, 'prod is back at its previous freight');
      assert.deepEqual(await rollouts('prod'), [{ ...stable, phase: 'Healthy' }], 'on its stable ReplicaSet');
      assert.deepEqual(await deployed('dev'), { freight: revision, revisions: [revision] }, 'dev is untouched');
    });

    it('a canary rejected in prod is aborted: the Rollout back on its stable ReplicaSet, the Application at the previous revision', async () => {
      const { prod: previous, dev: revision } = await prodBehindDev();
      const [stable] = await rollouts('prod');
      const id = await approvedProdPromotion(revision);
      const canary = await promotionAt(id, 'canary');
      assert.equal(canary.waitingFor, 'canary', JSON.stringify(canary, null, 2));
      await batonOk('reject', id, '--as', 'sre-lead', '--reason', 'canary errors');
      const rejected = await decidedState(id);
      assert.equal(rejected.state, 'rejected', JSON.stringify(rejected, null, 2));
      assert.match(rejected.message ?? '', /^the canary was rejected; prod is back at /);
      assert.equal((await lifecycleState('prod')).phase.number, 3);
      assert.deepEqual(await deployed('prod'), { freight: previous, revisions: [previous] });
      const back = await waitFor(
        'the Rollout Healthy on its stable ReplicaSet',
        () => rollouts('prod'),
        (r) => r[0]?.phase === 'Healthy',
      );
      assert.deepEqual(back, [{ ...stable, phase: 'Healthy' }]);
      assert.deepEqual(await deployed('dev'), { freight: revision, revisions: [revision] }, 'dev is untouched');
    });

    it('a worker killed while a promotion waits for approval: after a restart the approvals complete it', async () => {
      const { dev: revision } = await prodBehindDev();
      const id = (await batonOk('promote', platform, '--to', 'prod', '--revision', revision, '--as', 'release-lead')).trim();
      await promotionAt(id, 'promotion');
      await worker.stop('SIGKILL');
      worker = startSandboxWorker(sandbox, prefix);
      for (const approver of prodApprovers) await batonOk('approve', id, '--as', approver, '--reason', 'after the restart');
      const done = await approveCanary(id, prodApprovers);
      assert.equal(done.state, 'succeeded', JSON.stringify(done, null, 2));
      assert.deepEqual(
        done.approvals.filter((a) => a.for === 'promotion').map((a) => a.approver),
        prodApprovers,
      );
      assert.deepEqual(await deployed('prod'), { freight: revision, revisions: [revision] });
      assert.equal(await rolloutPhase('prod'), 'Healthy');
    });
  },
);

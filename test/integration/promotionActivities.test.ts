import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createArgoCdActivities, type ArgoCdSettings } from '../../src/activities/argocd/index.js';
import type { PromotionActivities, StackTarget } from '../../src/activities/interfaces.js';
import { createPromotionActivities } from '../../src/activities/promotion/index.js';
import { freightId, type Freight } from '../../src/promotion/freight.js';
import { commitFiles, headRevision, type SandboxStatus } from '../../src/sandbox/index.js';
import { applicationName } from '../../src/spec/names.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import { adminRequest, sandboxStackTarget, upsertOpenProject } from '../support/argoCdSandbox.js';
import { startMetricServer, type MetricServer } from '../support/metricServer.js';
import { sandbox } from '../support/sandbox.js';
import { deploymentManifest, stackManifest } from '../support/stackManifests.js';
import { repoRoot, toolPath } from '../support/tools.js';

const exec = promisify(execFile);
const run = Date.now().toString(36);
const platform = `promo-${run}`;
const environment = 'it';
const project = 'baton-it';
const crds = join(repoRoot, '.tools/share/argo-rollouts/crds');

let status: SandboxStatus;
let admin: ArgoCdSettings;
let promotion: PromotionActivities;
let metrics: MetricServer;
const commits: Record<'a' | 'b' | 'degraded', string> = { a: '', b: '', degraded: '' };

/** Expected failures would otherwise be logged with their stacks. */
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Runs an activity as a worker would, so heartbeats and cancellation behave as in production. */
let activities = 0;
function activity<T>(call: () => Promise<T>): Promise<T> {
  activities += 1;
  return new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000, activityId: String(activities) }, { logger: quiet }).run(call);
}

function kubectl(...args: string[]): Promise<string> {
  return exec(toolPath('kubectl'), ['--kubeconfig', status.kubeconfig, ...args], { timeout: 120_000 }).then((out) => out.stdout);
}

async function failureOf(call: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await call.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApplicationFailure, `not an ApplicationFailure: ${String(err)}`);
  return err;
}

const path = `it/${run}/web`;
const webApp = applicationName(platform, environment, 'web');

function target(): StackTarget {
  const stack = sandboxStackTarget(status, { platform, environment, stack: 'web', path });
  // The environment's first freight: the Application pinned at commit A, as the lifecycle deploys it.
  if (stack.stack.source) stack.stack.source.targetRevision = commits.a;
  return stack;
}

/** A web metric that passes when the endpoint answers ok: true and fails on ok: false. */
function analysisTemplate(name: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: ${name} }
spec:
  args: [{ name: url }, { name: freight }, { name: environment }]
  metrics:
    - name: check
      count: 1
      successCondition: result.ok == true
      failureCondition: result.ok == false
      provider:
        web:
          url: "{{args.url}}?freight={{args.freight}}"
          jsonPath: "{$}"
`;
}

async function application(): Promise<{ revision: string; targetRevision: string; sync: string; health: string }> {
  const app = (await adminRequest(status, 'GET', `/api/v1/applications/${webApp}`)) as {
    spec: { source: { targetRevision: string } };
    status: { sync: { status: string; revision: string }; health: { status: string } };
  };
  return {
    revision: app.status.sync.revision,
    targetRevision: app.spec.source.targetRevision,
    sync: app.status.sync.status,
    health: app.status.health.status,
  };
}

function freight(revision: string): Freight {
  return { id: freightId(revision), revision, images: [], createdAt: new Date().toISOString() };
}

describe(
  'the promotion activities against the sandbox (git, real Argo CD, the Argo Rollouts controller)',
  { concurrency: false, timeout: 900_000 },
  () => {
    before(async () => {
      assert.ok(
        existsSync(crds),
        `the Argo Rollouts CRDs are missing at ${crds}: build them with \`bash scripts/build-tools.sh rollouts\``,
      );
      status = await sandbox();
      admin = { url: status.argocd.url, credentials: { username: 'admin', passwordFile: status.argocd.passwordFile }, project };
      // The lifecycle calls are exercised with a lifecycle run by the promotion workflow's tests; here the client stays unconnected.
      const temporal = new Client({
        connection: Connection.lazy({ address: status.temporal.address }),
        namespace: status.temporal.namespace,
      });
      promotion = createPromotionActivities({ argocd: admin, clusters: { kubeconfig: status.kubeconfig }, temporal });
      await upsertOpenProject(status, project);
      // Large CRDs: applied server-side, as bootstrap does. The sandbox starts the Rollouts controller once they exist.
      await kubectl('apply', '--server-side', '--force-conflicts', '-f', crds);
      const web = stackManifest('web', 'one');
      commits.a = (
        await commitFiles(
          status.git.path,
          [{ path: `${path}/app.yaml`, content: `${web}---\n${analysisTemplate('smoke')}` }],
          `promotion A ${run}`,
        )
      ).revision;
      commits.b = (
        await commitFiles(
          status.git.path,
          [{ path: `${path}/app.yaml`, content: `${stackManifest('web', 'two')}---\n${analysisTemplate('smoke')}` }],
          `promotion B ${run}`,
        )
      ).revision;
      // An autoscaler without a metrics API: Argo CD reports it Degraded.
      const autoscaler = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 4
  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 60 } } }]
`;
      commits.degraded = (
        await commitFiles(
          status.git.path,
          [
            {
              path: `${path}/hpa.yaml`,
              content: `${deploymentManifest('web-scaled')}---\n${autoscaler.replace('name: web }', 'name: web-scaled }').replace('name: web\n', 'name: web-scaled\n')}`,
            },
          ],
          `promotion degraded ${run}`,
        )
      ).revision;
      const argocd = createArgoCdActivities(admin);
      await activity(async () => {
        await argocd.ensureApplication(target());
        await argocd.syncApplication(target());
        await argocd.awaitApplicationHealthy(target());
      });
      metrics = await startMetricServer('ok');
    });

    after(async () => {
      await metrics?.close();
      if (admin) await activity(() => createArgoCdActivities(admin).deleteApplication(target())).catch(() => undefined);
    });

    it('resolves a branch, HEAD and a commit, and latestRevision sees a new commit', async () => {
      const head = await headRevision(status.git.path);
      assert.equal(
        (await activity(() => promotion.resolveRevision({ repoURL: status.git.url, revision: status.git.branch }))).revision,
        head,
      );
      assert.equal((await activity(() => promotion.resolveRevision({ repoURL: status.git.url, revision: 'HEAD' }))).revision, head);
      assert.equal((await activity(() => promotion.resolveRevision({ repoURL: status.git.url, revision: commits.a }))).revision, commits.a);
      const unknown = await failureOf(activity(() => promotion.resolveRevision({ repoURL: status.git.url, revision: 'no-such-branch' })));
      assert.equal(unknown.type, failureTypes.promotionRefused);
      assert.match(unknown.message, /has no revision "no-such-branch"/);
      const missingCommit = await failureOf(
        activity(() => promotion.resolveRevision({ repoURL: status.git.url, revision: '0'.repeat(40) })),
      );
      assert.equal(missingCommit.type, failureTypes.promotionRefused);

      const before = await activity(() => promotion.latestRevision({ repoURL: status.git.url, branch: status.git.branch }));
      assert.equal(before.revision, head);
      const { revision } = await commitFiles(status.git.path, [{ path: `it/${run}/new.txt`, content: run }], `a new commit ${run}`);
      const after = await activity(() => promotion.latestRevision({ repoURL: status.git.url, branch: status.git.branch }));
      assert.equal(after.revision, revision);
      assert.notEqual(after.revision, before.revision);
    });

    it('promoteRevision moves the Application from commit A to B and back, Synced and Healthy at each', async () => {
      for (const [revision, setting] of [
        [commits.b, 'two'],
        [commits.a, 'one'],
      ] as const) {
        const started = Date.now();
        const outcome = await activity(() =>
          promotion.promoteRevision({ platform, environment, revision, repoURL: status.git.url, timeoutMs: 180_000 }),
        );
        assert.deepEqual(outcome, { outcome: 'healthy' });
        assert.deepEqual(await application(), { revision, targetRevision: revision, sync: 'Synced', health: 'Healthy' });
        const deployed = await kubectl('get', 'configmap', 'web', '-n', `${platform}-web`, '-o', 'jsonpath={.data.setting}');
        assert.equal(deployed, setting);
        process.stderr.write(`promoted to ${revision.slice(0, 8)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      }
      // Again at the same revision: nothing to change, it only confirms.
      assert.deepEqual(
        await activity(() => promotion.promoteRevision({ platform, environment, revision: commits.a, repoURL: status.git.url })),
        { outcome: 'healthy' },
      );
    });

    it("a Degraded Application fails for good naming the stack, the Application and Argo CD's message; promoting back restores it", async () => {
      const failure = await failureOf(
        activity(() =>
          promotion.promoteRevision({ platform, environment, revision: commits.degraded, repoURL: status.git.url, timeoutMs: 180_000 }),
        ),
      );
      assert.equal(failure.type, failureTypes.applicationFailed);
      assert.equal(failure.nonRetryable, true);
      assert.match(failure.message, new RegExp(`stack web \\(Application ${webApp}\\)`));
      assert.match(failure.message, /HorizontalPodAutoscaler .*web-scaled: Degraded/);
      const outcome = await activity(() =>
        promotion.promoteRevision({ platform, environment, revision: commits.a, repoURL: status.git.url, timeoutMs: 180_000 }),
      );
      assert.deepEqual(outcome, { outcome: 'healthy' });
      assert.deepEqual(await application(), { revision: commits.a, targetRevision: commits.a, sync: 'Synced', health: 'Healthy' });
    });

    it('promoteRevision refuses an environment with no Application from the repository', async () => {
      const failure = await failureOf(
        activity(() => promotion.promoteRevision({ platform, environment: 'nowhere', revision: commits.a, repoURL: status.git.url })),
      );
      assert.equal(failure.type, failureTypes.promotionRefused);
      assert.match(failure.message, new RegExp(`no Application of ${platform}/nowhere`));
    });

    const verify = (args: Record<string, string>, templates = ['smoke']) =>
      activity(() =>
        promotion.runVerification({
          platform,
          environment,
          cluster: 'in-cluster',
          freight: freight(commits.a),
          templates,
          args,
          timeoutMs: 120_000,
        }),
      );

    it('runVerification refuses a web metric URL off the loopback address before it creates anything', async () => {
      const failure = await failureOf(verify({ url: 'http://example.com/check' }));
      assert.equal(failure.type, failureTypes.promotionRefused);
      assert.match(failure.message, /asks http:\/\/example\.com\/check.*may only ask 127\.0\.0\.1 or localhost/);
      const runs = await kubectl('get', 'analysisruns', '-n', `${platform}-web`, '-o', 'name');
      assert.equal(runs.trim(), '');
    });

    it('runVerification: a passing endpoint makes the AnalysisRun Successful with its measurements, a failing one Failed', async () => {
      metrics.answer('ok');
      const passed = await verify({ url: metrics.url });
      assert.equal(passed.phase, 'Successful', passed.message);
      assert.match(passed.analysisRun, new RegExp(`^${platform}-web/`));
      assert.equal(passed.measurements.length, 1);
      assert.deepEqual(
        { metric: passed.measurements[0]?.metric, phase: passed.measurements[0]?.phase },
        { metric: 'check', phase: 'Successful' },
      );
      assert.match(passed.measurements[0]?.value ?? '', /"ok":true|true/);

      metrics.answer('failing');
      const failed = await verify({ url: metrics.url });
      assert.equal(failed.phase, 'Failed', failed.message);
      assert.equal(failed.measurements[0]?.phase, 'Failed');
      assert.notEqual(failed.analysisRun, passed.analysisRun);
      assert.ok(metrics.requests >= 2, `the endpoint was asked ${metrics.requests} times`);
    });

    it('runVerification names the namespaces it searched when a template is nowhere', async () => {
      const failure = await failureOf(verify({ url: metrics.url }, ['smoke', 'absent']));
      assert.equal(failure.type, failureTypes.promotionRefused);
      assert.match(failure.message, new RegExp(`searched: ${platform}-web`));
    });
  },
);

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { createArgoCdActivities, type ArgoCdSettings } from '../../src/activities/argocd/index.js';
import type { StackTarget } from '../../src/activities/interfaces.js';
import { commitFiles, pushChart, sandboxConfig, type SandboxStatus } from '../../src/sandbox/index.js';
import { deployStack } from '../../src/workflows/deployStack.js';
import { causeChain } from '../../src/workflows/failures.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import { workflowTaskQueue } from '../../src/workflows/taskQueues.js';
import { sandboxStackTarget, upsertOpenProject, type StackOverrides } from '../support/argoCdSandbox.js';
import { testTimeouts, withWorkers } from '../support/harness.js';
import { integrationSandboxEnv, sandbox } from '../support/sandbox.js';
import { deploymentManifest } from '../support/stackManifests.js';
import { startTemporal } from '../support/temporal.js';
import { toolPath } from '../support/tools.js';

const exec = promisify(execFile);
const run = Date.now().toString(36);
const platform = `health-${run}`;
const environment = 'it';
const project = 'baton-it';
const stacks = ['load-balancer', 'autoscaled', 'missing-dependency', 'bad-value', 'unreachable-registry', 'late-registry'];

let status: SandboxStatus;
let admin: ArgoCdSettings;
let env: TestWorkflowEnvironment;

/** Expected failures would otherwise be logged with their stacks. */
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

// A worker that waits for minutes collects garbage meanwhile; the tests force it, so a deadline that a
// collection can lose (an AbortSignal.timeout inside AbortSignal.any) shows here as it did in a worker.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function target(stack: string, overrides: StackOverrides = {}): StackTarget {
  return sandboxStackTarget(status, { platform, environment, stack, path: `it/${run}/${stack}` }, overrides);
}

/** Runs an activity as a worker would, so heartbeats and cancellation behave as in production. */
function activity<T>(call: () => Promise<T>): Promise<T> {
  return new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 }, { logger: quiet }).run(call);
}

/** How long `call` takes to settle, and its failure; garbage is collected every 500 ms meanwhile. */
async function timedFailure(call: () => Promise<unknown>): Promise<{ seconds: number; failure: unknown }> {
  const collecting = setInterval(collectGarbage, 500);
  const started = performance.now();
  try {
    await call();
    assert.fail('expected the stack to fail');
  } catch (failure) {
    return { seconds: (performance.now() - started) / 1000, failure };
  } finally {
    clearInterval(collecting);
  }
}

/** Ensure, sync and wait for health, as deployStack's activities run. */
async function deploy(stack: StackTarget): Promise<void> {
  const activities = createArgoCdActivities(admin);
  await activity(() => activities.ensureApplication(stack));
  await activity(() => activities.syncApplication(stack));
  await activity(() => activities.awaitApplicationHealthy(stack));
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

/** Forwards connections to `port` on 127.0.0.1 to `target`: a registry that comes up at the address a source names. */
async function forward(port: number, target: number): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

/** The stack with `source` as its only source. */
function withSource(stack: StackTarget, source: { repoURL: string; chart: string; targetRevision: string }): StackTarget {
  return { ...stack, stack: { ...stack.stack, sources: undefined, source } };
}

function kubectl(...args: string[]): Promise<string> {
  return exec(toolPath('kubectl'), ['--kubeconfig', status.kubeconfig, ...args], { timeout: 60_000 }).then((out) => out.stdout);
}

/** How long the workflow's activity of that type took from being scheduled to its failure, by the history's clock. */
async function activitySeconds(workflowId: string, activityType: string): Promise<number> {
  const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const ms = (event: (typeof events)[number]) => Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
  const scheduled = events.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === activityType);
  const failed = events.find(
    (event) => scheduled && String(event.activityTaskFailedEventAttributes?.scheduledEventId) === String(scheduled.eventId),
  );
  assert.ok(scheduled && failed, `the history of ${workflowId} has no failed ${activityType}`);
  return (ms(failed) - ms(scheduled)) / 1000;
}

function failureOf(err: unknown, type: string): ApplicationFailure {
  const upstream = err instanceof WorkflowFailedError ? causeChain(err).at(-1) : err;
  assert.ok(upstream instanceof ApplicationFailure, String(err));
  assert.equal(upstream.type, type, upstream.message);
  return upstream;
}

const chart = (name: string, extra = '') => `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n${extra}`;

describe(
  'the health gate against real Argo CD, Helm and Kubernetes objects in the sandbox',
  { concurrency: false, timeout: 900_000 },
  () => {
    before(async () => {
      status = await sandbox();
      admin = { url: status.argocd.url, credentials: { username: 'admin', passwordFile: status.argocd.passwordFile }, project };
      await upsertOpenProject(status, project);
      await commitFiles(
        status.git.path,
        [
          {
            path: `it/${run}/load-balancer/app.yaml`,
            content: `${deploymentManifest('frontend')}---
apiVersion: v1
kind: Service
metadata: { name: frontend-external }
spec:
  type: LoadBalancer
  selector: { app: frontend }
  ports: [{ port: 80 }]
`,
          },
          {
            path: `it/${run}/autoscaled/app.yaml`,
            content: `${deploymentManifest('web')}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 4
  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 60 } } }]
`,
          },
          {
            path: `it/${run}/missing-dependency/Chart.yaml`,
            content: chart('missing-dependency', 'dependencies:\n  - name: common\n    version: 1.0.0\n    repository: file://../common\n'),
          },
          {
            path: `it/${run}/missing-dependency/templates/configmap.yaml`,
            content: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\n',
          },
          { path: `it/${run}/bad-value/Chart.yaml`, content: chart('bad-value') },
          { path: `it/${run}/bad-value/values.yaml`, content: 'replicas: 1\n' },
          {
            path: `it/${run}/bad-value/values.schema.json`,
            content: JSON.stringify({ type: 'object', properties: { replicas: { type: 'integer' } } }),
          },
          {
            path: `it/${run}/bad-value/templates/configmap.yaml`,
            content: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { replicas: "{{ .Values.replicas }}" }\n',
          },
        ],
        `health gate tests ${run}`,
      );
      env = await startTemporal();
    });

    after(async () => {
      const activities = createArgoCdActivities(admin);
      for (const stack of stacks) await activity(() => activities.deleteApplication(target(stack))).catch(() => undefined);
      // Argo CD leaves the namespaces it created.
      const namespaces = stacks.map((stack) => target(stack).stack.namespace);
      await kubectl('delete', 'namespace', '--ignore-not-found', '--wait=false', ...namespaces);
      await env?.teardown();
    });

    it('fails a stack still Progressing at its healthTimeout then, naming what is still progressing', async () => {
      const healthTimeoutSeconds = 20;
      const stack = target('load-balancer', { healthTimeout: `${healthTimeoutSeconds}s` });
      // The production grace: a wait that ran past healthTimeout would end only at the activity's StartToClose, 60 s later.
      const timeouts = { ...testTimeouts, argoCdCall: '60s', heartbeat: '10s', healthGrace: '60s' };
      const workflowId = `health-lb-${run}`;
      const { seconds, failure } = await withWorkers(env, { argocd: createArgoCdActivities(admin) }, (prefix) =>
        timedFailure(() =>
          env.client.workflow.execute(deployStack, {
            taskQueue: workflowTaskQueue(prefix),
            workflowId,
            args: [{ target: stack, action: 'deploy', taskQueuePrefix: prefix, timeouts }],
          }),
        ),
      );
      const upstream = failureOf(failure, failureTypes.applicationNotHealthy);
      const waited = await activitySeconds(workflowId, 'awaitApplicationHealthy');
      process.stderr.write(
        `load-balancer stack failed after ${seconds.toFixed(1)} s, its health wait after ${waited.toFixed(1)} s (healthTimeout ${healthTimeoutSeconds} s)\n`,
      );
      assert.match(upstream.message, new RegExp(`not Healthy after ${healthTimeoutSeconds}(\\.0)?s`), upstream.message);
      assert.match(upstream.message, new RegExp(`Service ${platform}-load-balancer/frontend-external: Progressing`), upstream.message);
      assert.ok(
        waited >= healthTimeoutSeconds && waited < healthTimeoutSeconds + 10,
        `the health wait failed after ${waited.toFixed(1)} s`,
      );
    });

    it('fails an autoscaler without a metrics API at once, as Degraded, with its message', async () => {
      const { seconds, failure } = await timedFailure(() => deploy(target('autoscaled', { healthTimeout: '5m' })));
      const upstream = failureOf(failure, failureTypes.applicationFailed);
      assert.match(
        upstream.message,
        new RegExp(`HorizontalPodAutoscaler ${platform}-autoscaled/web: Degraded \\(.*metrics`),
        upstream.message,
      );
      process.stderr.write(`autoscaled stack failed after ${seconds.toFixed(1)} s (healthTimeout 300 s)\n`);
      assert.ok(seconds < 90, `failed after ${seconds.toFixed(1)} s`);
    });

    it("fails a chart whose dependency is missing at once, with Helm's message", async () => {
      const { seconds, failure } = await timedFailure(() => deploy(target('missing-dependency', { healthTimeout: '5m' })));
      const upstream = failureOf(failure, failureTypes.applicationFailed);
      assert.equal(upstream.nonRetryable, true);
      assert.match(upstream.message, /directory .*common not found|missing in charts\/ directory/, upstream.message);
      assert.ok(seconds < 60, `failed after ${seconds.toFixed(1)} s`);
    });

    it("fails a chart given a bad value at once, with Helm's message, when the Application exists already", async () => {
      const stack = target('bad-value', { healthTimeout: '5m' });
      const activities = createArgoCdActivities(admin);
      await activity(() => activities.ensureApplication(stack));
      await commitFiles(
        status.git.path,
        [{ path: `it/${run}/bad-value/values.yaml`, content: 'replicas: two\n' }],
        `health gate tests ${run}: a bad value`,
      );
      const { seconds, failure } = await timedFailure(() => deploy(stack));
      const upstream = failureOf(failure, failureTypes.applicationFailed);
      assert.match(upstream.message, /replicas.*(integer|Invalid type)/i, upstream.message);
      assert.ok(seconds < 60, `failed after ${seconds.toFixed(1)} s`);
    });

    it('retries a chart in an unreachable registry, then fails with its address', async () => {
      const address = `127.0.0.1:${await closedPort()}`;
      const unreachable = withSource(target('unreachable-registry', { healthTimeout: '20s' }), {
        repoURL: `${address}/charts`,
        chart: 'demo',
        targetRevision: '1.0.0',
      });
      const { seconds, failure } = await timedFailure(() => deploy(unreachable));
      const upstream = failureOf(failure, failureTypes.sourceUnreachable);
      assert.match(upstream.message, new RegExp(`could not reach ${address} .* in (\\d+) tries over 20(\\.0)?s`), upstream.message);
      const tries = Number(/in (\d+) tries/.exec(upstream.message)?.[1]);
      process.stderr.write(`unreachable registry: failed after ${seconds.toFixed(1)} s and ${tries} tries\n`);
      assert.ok(tries >= 3, upstream.message);
      assert.ok(seconds >= 20 && seconds < 45, `failed after ${seconds.toFixed(1)} s`);
    });

    it('fetches a chart again once its registry answers, and the stack deploys', async () => {
      const folder = await mkdtemp(join(tmpdir(), 'baton-chart-'));
      await mkdir(join(folder, 'templates'));
      await writeFile(join(folder, 'Chart.yaml'), chart(`late-${run}`));
      await writeFile(
        join(folder, 'templates/configmap.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { ready: "yes" }\n',
      );
      const pushed = await pushChart(sandboxConfig({ ...process.env, ...integrationSandboxEnv }), folder);
      const registryPort = Number(/:(\d+)\//.exec(pushed.repoURL)?.[1]);
      const port = await closedPort();
      const repoURL = `127.0.0.1:${port}/charts`;
      // Argo CD reaches the late registry as it reaches the sandbox's: an OCI Helm repository over plain HTTP.
      const secret = `health-late-registry-${run}`;
      const repository = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: secret, namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
        stringData: { type: 'helm', name: secret, url: repoURL, enableOCI: 'true', insecureOCIForceHttp: 'true' },
      };
      await writeFile(join(folder, 'repository.json'), JSON.stringify(repository));
      await kubectl('apply', '-f', join(folder, 'repository.json'));
      await rm(folder, { recursive: true, force: true });
      let registry: Server | undefined;
      const opening = setTimeout(() => void forward(port, registryPort).then((server) => (registry = server)), 5_000);
      try {
        const started = performance.now();
        await deploy(
          withSource(target('late-registry', { healthTimeout: '90s' }), {
            repoURL,
            chart: pushed.chart,
            targetRevision: pushed.targetRevision,
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(`late registry: Healthy ${seconds.toFixed(1)} s after the deploy began (the registry answered after 5 s)\n`);
        assert.equal(
          await kubectl('get', 'configmap', 'settings', '-n', `${platform}-late-registry`, '-o', 'jsonpath={.data.ready}'),
          'yes',
        );
      } finally {
        clearTimeout(opening);
        registry?.close();
        await kubectl('delete', 'secret', secret, '-n', 'argocd', '--ignore-not-found');
      }
    });
  },
);

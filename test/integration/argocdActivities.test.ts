import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { ArgoCdClient, createArgoCdActivities, type ArgoCdSettings } from '../../src/activities/argocd/index.js';
import type { StackTarget } from '../../src/activities/interfaces.js';
import { commitFiles } from '../../src/sandbox/index.js';
import type { SandboxStatus } from '../../src/sandbox/index.js';
import { applicationName } from '../../src/spec/names.js';
import { deployStack } from '../../src/workflows/deployStack.js';
import { causeChain } from '../../src/workflows/failures.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import { workflowTaskQueue } from '../../src/workflows/taskQueues.js';
import { adminRequest, sandboxStackTarget, upsertOpenProject, type StackOverrides } from '../support/argoCdSandbox.js';
import { testTimeouts, withWorkers } from '../support/harness.js';
import { sandbox } from '../support/sandbox.js';
import { stackManifest } from '../support/stackManifests.js';
import { startTemporal } from '../support/temporal.js';
import { toolPath } from '../support/tools.js';

const exec = promisify(execFile);
const run = Date.now().toString(36);
const platform = `argo-${run}`;
const environment = 'it';
const project = 'baton-it';

let status: SandboxStatus;
let admin: ArgoCdSettings;
let env: TestWorkflowEnvironment;
let scratch = '';

/** Expected failures would otherwise be logged with their stacks. */
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function kubectl(...args: string[]): Promise<string> {
  return exec(toolPath('kubectl'), ['--kubeconfig', status.kubeconfig, ...args], { timeout: 60_000 }).then((out) => out.stdout);
}

function target(stack: string, overrides: StackOverrides = {}): StackTarget {
  return sandboxStackTarget(status, { platform, environment, stack, path: `it/${run}/${stack}` }, overrides);
}

/** Runs an activity as a worker would, so heartbeats and cancellation behave as in production. */
function activity<T>(call: () => Promise<T>): Promise<T> {
  return new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 }, { logger: quiet }).run(call);
}

describe('the Argo CD activities against real Argo CD in the sandbox', { concurrency: false, timeout: 900_000 }, () => {
  before(async () => {
    status = await sandbox();
    admin = { url: status.argocd.url, credentials: { username: 'admin', passwordFile: status.argocd.passwordFile }, project };
    scratch = await mkdtemp(join(tmpdir(), 'baton-argocd-'));
    await upsertOpenProject(status, project);
    await commitFiles(
      status.git.path,
      [
        { path: `it/${run}/good/app.yaml`, content: stackManifest('good', 'one') },
        { path: `it/${run}/drift/app.yaml`, content: stackManifest('drift', 'kept') },
        { path: `it/${run}/broken/app.yaml`, content: stackManifest('broken', 'x').replace('replicas: 2', 'replicas: two') },
      ],
      `Argo CD activity tests ${run}`,
    );
    env = await startTemporal();
  });

  after(async () => {
    const activities = createArgoCdActivities(admin);
    for (const stack of ['good', 'drift', 'broken'])
      await activity(() => activities.deleteApplication(target(stack))).catch(() => undefined);
    await env?.teardown();
    await rm(scratch, { recursive: true, force: true });
  });

  it('deployStack takes a Deployment, a Service and a ConfigMap to Synced and Healthy', async () => {
    const result = await withWorkers(env, { argocd: createArgoCdActivities(admin) }, (prefix) =>
      env.client.workflow.execute(deployStack, {
        taskQueue: workflowTaskQueue(prefix),
        workflowId: `deploy-good-${run}`,
        args: [{ target: target('good'), action: 'deploy', taskQueuePrefix: prefix, timeouts: { ...testTimeouts, argoCdCall: '60s' } }],
      }),
    );
    assert.equal(result.action, 'deploy');
    assert.deepEqual(result.action === 'deploy' && [result.status.health, result.status.sync], ['Healthy', 'Synced']);
    const ready = await kubectl('get', 'deployment', 'good', '-n', `${platform}-good`, '-o', 'jsonpath={.status.readyReplicas}');
    assert.equal(ready, '2');
  });

  it("fails an invalid manifest with Argo CD's message, without retrying", async () => {
    const activities = createArgoCdActivities(admin);
    const broken = target('broken');
    await activity(() => activities.ensureApplication(broken));
    await activity(() => activities.syncApplication(broken)).catch(() => undefined);
    await assert.rejects(
      activity(() => activities.awaitApplicationHealthy(broken)),
      (err: unknown) => {
        assert.ok(err instanceof ApplicationFailure, String(err));
        assert.equal(err.type, failureTypes.applicationFailed, err.message);
        assert.equal(err.nonRetryable, true);
        assert.match(err.message, /replicas|two|unmarshal/i, err.message);
        return true;
      },
    );
  });

  it('sees drift through the event stream, and self-heal restores the changed resource', async () => {
    const activities = createArgoCdActivities(admin);
    const drift = target('drift');
    await activity(() => activities.ensureApplication(drift));
    await activity(() => activities.syncApplication(drift));
    await activity(() => activities.awaitApplicationHealthy(drift));

    const name = applicationName(platform, environment, 'drift');
    const watcher = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const event of new ArgoCdClient(admin).watchApplication(name, watcher.signal)) {
        const sync = event.application.status?.sync?.status ?? 'Unknown';
        if (seen.at(-1) !== sync) seen.push(sync);
        if (seen.includes('OutOfSync') && sync === 'Synced') return;
      }
    })();
    await kubectl('patch', 'configmap', 'drift', '-n', `${platform}-drift`, '--type=merge', '-p', '{"data":{"setting":"changed by hand"}}');
    const timer = setTimeout(() => watcher.abort(), 90_000);
    await watching.finally(() => clearTimeout(timer));
    assert.ok(seen.includes('OutOfSync'), `the watch saw ${seen.join(' -> ')}`);
    assert.equal(await kubectl('get', 'configmap', 'drift', '-n', `${platform}-drift`, '-o', 'jsonpath={.data.setting}'), 'kept');
  });

  it("deletes with cascade: the stack's resources are gone with the Application", async () => {
    const activities = createArgoCdActivities(admin);
    const removed = await activity(() => activities.deleteApplication(target('good')));
    assert.deepEqual(removed, { application: applicationName(platform, environment, 'good'), existed: true, retained: [] });
    const left = await kubectl(
      'get',
      'deployments,services,configmaps',
      '-n',
      `${platform}-good`,
      '-l',
      'app.kubernetes.io/instance',
      '-o',
      'name',
    );
    assert.equal(left.trim(), '');
    await assert.rejects(kubectl('get', 'deployment', 'good', '-n', `${platform}-good`), /NotFound|not found/);
    assert.deepEqual(await activity(() => activities.deleteApplication(target('good'))), {
      application: applicationName(platform, environment, 'good'),
      existed: false,
      retained: [],
    });
  });

  it('refuses a wrong password and a token without permission with clear, non-retryable errors', async () => {
    const wrongPassword = join(scratch, 'wrong-password');
    await writeFile(wrongPassword, 'not-the-password', { mode: 0o600 });
    const rejected = createArgoCdActivities({ ...admin, credentials: { username: 'admin', passwordFile: wrongPassword } });
    await assert.rejects(
      activity(() => rejected.ensureApplication(target('good'))),
      (err: unknown) => {
        assert.ok(err instanceof ApplicationFailure && err.nonRetryable, String(err));
        assert.equal(err.type, failureTypes.argoCdUnauthenticated);
        assert.match(err.message, /account "admin"/);
        return true;
      },
    );

    // A local account with an API key and no role at all.
    const account = `it${run}`.replace(/[^a-z0-9]/g, '').slice(0, 20);
    await kubectl(
      'patch',
      'configmap',
      'argocd-cm',
      '-n',
      'argocd',
      '--type=merge',
      '-p',
      JSON.stringify({ data: { [`accounts.${account}`]: 'apiKey' } }),
    );
    let token = '';
    for (let tries = 0; !token && tries < 30; tries++) {
      token = await adminRequest(status, 'POST', `/api/v1/account/${account}/token`, { name: account })
        .then((answer) => (answer as { token: string }).token)
        .catch(() => new Promise<string>((resolve) => setTimeout(() => resolve(''), 1000)));
    }
    assert.ok(token, `Argo CD issued no token for ${account}`);
    const tokenFile = join(scratch, 'token');
    await writeFile(tokenFile, token, { mode: 0o600 });
    const powerless = createArgoCdActivities({ ...admin, credentials: { tokenFile } });
    await assert.rejects(
      activity(() => powerless.ensureApplication(target('good'))),
      (err: unknown) => {
        assert.ok(err instanceof ApplicationFailure && err.nonRetryable, String(err));
        assert.equal(err.type, failureTypes.argoCdPermissionDenied);
        assert.match(err.message, new RegExp(`account "${account}" lacks the permission`));
        return true;
      },
    );
    await kubectl(
      'patch',
      'configmap',
      'argocd-cm',
      '-n',
      'argocd',
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'remove', path: `/data/accounts.${account}` }]),
    );
  });

  it('a workflow sees the failure as the stack failing, with the message', async () => {
    await assert.rejects(
      withWorkers(env, { argocd: createArgoCdActivities(admin) }, (prefix) =>
        env.client.workflow.execute(deployStack, {
          taskQueue: workflowTaskQueue(prefix),
          workflowId: `deploy-broken-${run}`,
          args: [{ target: target('broken'), action: 'deploy', taskQueuePrefix: prefix, timeouts: { ...testTimeouts, argoCdCall: '60s' } }],
        }),
      ),
      (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError, String(err));
        const upstream = causeChain(err).at(-1);
        assert.ok(upstream instanceof ApplicationFailure, String(upstream));
        assert.equal(upstream.type, failureTypes.applicationFailed, upstream.message);
        return true;
      },
    );
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createArgoCdActivities, type ArgoCdSettings } from '../../src/activities/argocd/index.js';
import type { LiveStatus, StackTarget, WatchedApplication } from '../../src/activities/interfaces.js';
import { commitFiles, type SandboxStatus } from '../../src/sandbox/index.js';
import { applicationName } from '../../src/spec/names.js';
import { sandboxStackTarget, upsertOpenProject } from '../support/argoCdSandbox.js';
import { sandbox } from '../support/sandbox.js';
import { stackManifest } from '../support/stackManifests.js';
import { toolPath } from '../support/tools.js';

const exec = promisify(execFile);
const run = Date.now().toString(36);
const platform = `watch-${run}`;
const environment = 'it';
const project = 'baton-it';
const stack = 'watched';
const namespace = `${platform}-${stack}`;

let status: SandboxStatus;
let admin: ArgoCdSettings;

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function kubectl(...args: string[]): Promise<string> {
  return exec(toolPath('kubectl'), ['--kubeconfig', status.kubeconfig, ...args], { timeout: 60_000 }).then((out) => out.stdout);
}

/** The stack without self-heal: drift stays until the test undoes it. */
function target(): StackTarget {
  return sandboxStackTarget(
    status,
    { platform, environment, stack, path: `it/${run}/${stack}` },
    { sync: { selfHeal: false, prune: true, options: ['CreateNamespace=true'] } },
  );
}

function watched(known: LiveStatus): WatchedApplication {
  return { stack, application: applicationName(platform, environment, stack), project, known };
}

/** Runs an activity as a worker would, so heartbeats and cancellation behave as in production. */
function activity<T>(
  call: () => Promise<T>,
  environment = new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 }, { logger: quiet }),
): Promise<T> {
  return environment.run(call);
}

/** One watch of the stack's Application, from what the workflow would know of it. */
function watch(known: LiveStatus, maxWatchMs: number, environment?: MockActivityEnvironment) {
  return activity(
    () => createArgoCdActivities(admin).watchPlatformApplications({ applications: [watched(known)], maxWatchMs }),
    environment,
  );
}

/** Changes the live ConfigMap behind Argo CD's back. */
const setSetting = (value: string) =>
  kubectl('patch', 'configmap', stack, '-n', namespace, '--type=merge', '-p', JSON.stringify({ data: { setting: value } }));

describe('the steady-state watch against real Argo CD in the sandbox', { concurrency: false, timeout: 600_000 }, () => {
  before(async () => {
    status = await sandbox();
    admin = { url: status.argocd.url, credentials: { username: 'admin', passwordFile: status.argocd.passwordFile }, project };
    await upsertOpenProject(status, project);
    await commitFiles(
      status.git.path,
      [{ path: `it/${run}/${stack}/app.yaml`, content: stackManifest(stack, 'kept') }],
      `Argo CD watch tests ${run}`,
    );
    const activities = createArgoCdActivities(admin);
    await activity(() => activities.ensureApplication(target()));
    await activity(() => activities.syncApplication(target()));
    await activity(() => activities.awaitApplicationHealthy(target()));
  });

  after(async () => {
    await activity(() => createArgoCdActivities(admin).deleteApplication(target())).catch(() => undefined);
  });

  it('returns no changes at the deadline while the Application stays as known', async () => {
    const started = Date.now();
    const result = await watch({ sync: 'Synced', health: 'Healthy' }, 2_000);
    assert.deepEqual(result, { changes: [] });
    assert.ok(Date.now() - started < 10_000, `the watch took ${Date.now() - started}ms`);
  });

  it('returns OutOfSync, naming the changed resource, when a live object is changed by hand; and Synced once it is undone', async () => {
    const drifting = watch({ sync: 'Synced', health: 'Healthy' }, 90_000);
    await setSetting('changed by hand');
    const { changes } = await drifting;
    assert.equal(changes.length, 1);
    assert.deepEqual(
      { ...changes[0], message: undefined },
      { stack, application: applicationName(platform, environment, stack), sync: 'OutOfSync', health: 'Healthy', message: undefined },
    );
    assert.match(changes[0]!.message, new RegExp(`ConfigMap ${namespace}/${stack}: OutOfSync`), changes[0]!.message);

    const recovering = watch({ sync: 'OutOfSync', health: 'Healthy' }, 90_000);
    await setSetting('kept');
    const recovered = await recovering;
    assert.deepEqual(
      recovered.changes.map((c) => `${c.health}/${c.sync}`),
      ['Healthy/Synced'],
    );
  });

  it('ends at once when cancelled', async () => {
    const environmentOfWatch = new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 }, { logger: quiet });
    const watching = watch({ sync: 'Synced', health: 'Healthy' }, 90_000, environmentOfWatch);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const cancelledAt = Date.now();
    environmentOfWatch.cancel();
    await assert.rejects(watching, (err: unknown) => err instanceof CancelledFailure);
    assert.ok(Date.now() - cancelledAt < 1_000, `the watch ended ${Date.now() - cancelledAt}ms after the cancellation`);
  });
});

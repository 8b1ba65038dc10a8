import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ArgoCdClient, type ApplicationManifest } from '../../src/activities/argocd/index.js';
import { applicationRollouts, runResourceAction, type RolloutAction } from '../../src/activities/argocd/resourceActions.js';
import { commitFiles, type SandboxStatus } from '../../src/sandbox/index.js';
import { applicationName, appProjectName } from '../../src/spec/names.js';
import { upsertOpenProject } from '../support/argoCdSandbox.js';
import { sandbox } from '../support/sandbox.js';
import { repoRoot, toolPath } from '../support/tools.js';

const exec = promisify(execFile);
const run = Date.now().toString(36);
const platform = `ro-${run}`;
const environment = 'it';
const stack = 'web';
const application = applicationName(platform, environment, stack);
const namespace = `${platform}-${stack}`;
const path = `it/${run}/${stack}`;
/** The example Rollout stack the promotion tests deploy too. */
const exampleStack = join(repoRoot, 'manifests/examples/stacks/rollout-canary/rollout-canary.yaml');
const crdsDir = join(repoRoot, '.tools/share/argo-rollouts/crds');

let status: SandboxStatus;
let client: ArgoCdClient;
let example = '';

function kubectl(...args: string[]): Promise<string> {
  return exec(toolPath('kubectl'), ['--kubeconfig', status.kubeconfig, ...args], { timeout: 120_000 }).then((out) => out.stdout);
}

/** The Argo Rollouts plugin's own view of the Rollout: the cross-check of what Argo CD's actions did. */
function pluginView(): Promise<string> {
  return exec(toolPath('kubectl-argo-rollouts'), ['get', 'rollout', 'web', '-n', namespace, '--kubeconfig', status.kubeconfig], {
    timeout: 60_000,
  }).then((out) => out.stdout);
}

interface RolloutStatus {
  phase?: string;
  stableRS?: string;
  currentPodHash?: string;
  abort?: boolean;
  pauseConditions?: { reason: string }[];
  canary?: { weights?: { canary?: { podTemplateHash?: string; weight?: number } } };
}

async function rolloutStatus(): Promise<RolloutStatus> {
  return (JSON.parse(await kubectl('get', 'rollout', 'web', '-n', namespace, '-o', 'json')) as { status?: RolloutStatus }).status ?? {};
}

/** Ready pods per pod-template-hash: which ReplicaSet serves. */
async function readyPodsByHash(): Promise<Record<string, number>> {
  const pods = JSON.parse(await kubectl('get', 'pods', '-n', namespace, '-l', 'app.kubernetes.io/name=web', '-o', 'json')) as {
    items: { metadata: { labels: Record<string, string>; deletionTimestamp?: string }; status?: { phase?: string } }[];
  };
  const counts: Record<string, number> = {};
  for (const pod of pods.items) {
    if (pod.metadata.deletionTimestamp || pod.status?.phase !== 'Running') continue;
    const hash = pod.metadata.labels['rollouts-pod-template-hash'] ?? '?';
    counts[hash] = (counts[hash] ?? 0) + 1;
  }
  return counts;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, limitMs = 120_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`${what} within ${limitMs / 1000}s${last ? ` (last error: ${String(last)})` : ''}`);
}

/** The Rollout's health as Argo CD reports it, once the Application is Synced at the given revision. */
async function healthAt(revision: string): Promise<string | undefined> {
  const found = await client.getApplication(appProjectName(platform, environment), application, 'normal');
  if (found?.status?.sync?.status !== 'Synced' || found.status.sync.revision !== revision) return undefined;
  if (found.status.operationState?.phase === 'Running') return undefined;
  return applicationRollouts(found)[0]?.health;
}

/** Commits the example stack with this RELEASE (a changed pod template) and syncs the Application to it. */
async function release(value: string): Promise<string> {
  assert.match(example, /value: "1"/, 'the example stack sets RELEASE to "1"');
  const content = example.replace(/value: "1"/, `value: "${value}"`);
  const { revision } = await commitFiles(
    status.git.path,
    [{ path: `${path}/rollout-canary.yaml`, content }],
    `Rollout ${run}: release ${value}`,
  );
  if (await client.getApplication(appProjectName(platform, environment), application, 'hard'))
    await client.sync(application, { revision, prune: true, syncOptions: ['CreateNamespace=true'] });
  return revision;
}

async function expectHealth(revision: string, expected: string): Promise<void> {
  await until(`Argo CD reports the Rollout ${expected} at ${revision.slice(0, 12)}`, async () =>
    (await healthAt(revision)) === expected ? true : undefined,
  );
}

/** A changed template pauses at the canary step: 4 stable pods and 1 canary, Argo CD says Suspended. */
async function expectPausedCanary(revision: string, stable: string): Promise<string> {
  await expectHealth(revision, 'Suspended');
  const paused = await rolloutStatus();
  assert.deepEqual(
    paused.pauseConditions?.map((condition) => condition.reason),
    ['CanaryPauseStep'],
  );
  assert.equal(paused.stableRS, stable, 'the stable ReplicaSet stays while the canary is paused');
  const canary = paused.currentPodHash ?? '';
  assert.notEqual(canary, stable);
  await until('4 stable pods and 1 canary pod', async () => {
    const pods = await readyPodsByHash();
    return pods[stable] === 4 && pods[canary] === 1 ? true : undefined;
  });
  assert.match(await pluginView(), /Status:\s+\S*\s*Paused[\s\S]*Message:\s+CanaryPauseStep/);
  return canary;
}

function action(name: RolloutAction): Promise<void> {
  return runResourceAction(client, { application, group: 'argoproj.io', kind: 'Rollout', name: 'web', namespace, action: name });
}

/** `baton rollout promote|abort` as a person runs it. */
function batonRollout(verb: 'promote' | 'abort'): Promise<string> {
  return exec(
    process.execPath,
    [
      join(repoRoot, 'bin/baton.js'),
      'rollout',
      verb,
      platform,
      '--env',
      environment,
      '--stack',
      stack,
      '--argocd-url',
      status.argocd.url,
      '--argocd-username',
      status.argocd.username,
      '--argocd-password-file',
      status.argocd.passwordFile,
    ],
    { timeout: 60_000 },
  ).then((out) => out.stdout);
}

describe('Argo Rollouts: the real controller in the sandbox, driven through Argo CD', { concurrency: false, timeout: 900_000 }, () => {
  before(async () => {
    status = await sandbox();
    client = new ArgoCdClient({ url: status.argocd.url, credentials: { username: 'admin', passwordFile: status.argocd.passwordFile } });
    example = await readFile(exampleStack, 'utf8');
    // What bootstrap's argoRollouts does: the CRDs (each larger than 256 KiB) applied server-side.
    await kubectl('apply', '--server-side', '--field-manager=baton', '--force-conflicts', '-f', crdsDir);
    await kubectl('wait', '--for=condition=Established', '--timeout=60s', '-f', crdsDir);
    await upsertOpenProject(status, appProjectName(platform, environment));
  });

  after(async () => {
    await client?.deleteApplication(appProjectName(platform, environment), application, true).catch(() => undefined);
  });

  it('runs a controller in the cluster once the Argo Rollouts CRDs are there, supervised and in the status', async () => {
    const { sandboxConfig, sandboxStatus } = await import('../../src/sandbox/index.js');
    const { integrationSandboxEnv } = await import('../support/sandbox.js');
    const config = sandboxConfig({ ...process.env, ...integrationSandboxEnv });
    const part = await until('the rollouts-controller part running', async () => {
      const found = (await sandboxStatus(config)).parts.find((candidate) => candidate.name === 'rollouts-controller');
      return found?.running ? found : undefined;
    });
    assert.equal(part.startedBy, 'rollouts-supervisor');
    assert.match(part.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/healthz$/);
    assert.match(await readFile(part.log, 'utf8'), /--leader-elect=false/);
  });

  it('deploys a Rollout stack Healthy, pauses a changed template at the canary step, and resume takes it to the new ReplicaSet', async () => {
    const first = await release('1');
    await client.upsertApplication({
      metadata: { name: application, namespace: 'argocd', labels: {}, finalizers: ['resources-finalizer.argocd.argoproj.io'] },
      spec: {
        project: appProjectName(platform, environment),
        destination: { server: 'https://kubernetes.default.svc', namespace },
        syncPolicy: { syncOptions: ['CreateNamespace=true'] },
        source: { repoURL: status.git.url, path, targetRevision: status.git.branch },
      },
    } as ApplicationManifest);
    await client.sync(application, { revision: first, prune: true, syncOptions: ['CreateNamespace=true'] });
    await expectHealth(first, 'Healthy');
    const stable = (await rolloutStatus()).stableRS ?? '';
    assert.ok(stable, 'a Healthy Rollout names its stable ReplicaSet');

    const second = await release('2');
    const canary = await expectPausedCanary(second, stable);
    await action('resume');
    await expectHealth(second, 'Healthy');
    const resumed = await rolloutStatus();
    assert.equal(resumed.stableRS, canary, 'resume makes the canary ReplicaSet the stable one');
    await until('5 pods on the new ReplicaSet', async () => ((await readyPodsByHash())[canary] === 5 ? true : undefined));
    assert.match(await pluginView(), /Status:\s+\S*\s*Healthy/);
  });

  it('abort returns a paused canary to the stable ReplicaSet', async () => {
    const stable = (await rolloutStatus()).stableRS ?? '';
    const third = await release('3');
    await expectPausedCanary(third, stable);
    await action('abort');
    await until('the Rollout aborted, all 5 pods on the stable ReplicaSet', async () => {
      const aborted = await rolloutStatus();
      const pods = await readyPodsByHash();
      return aborted.abort === true && aborted.stableRS === stable && pods[stable] === 5 && Object.keys(pods).length === 1
        ? true
        : undefined;
    });
    assert.match(await pluginView(), /Status:\s+\S*\s*Degraded[\s\S]*RolloutAborted/);
  });

  it('baton rollout promote and abort do the same by hand', async () => {
    // An aborted Rollout runs its steps again on the next change of its template.
    const stable = (await rolloutStatus()).stableRS ?? '';
    const fourth = await release('4');
    const canary = await expectPausedCanary(fourth, stable);
    assert.match(await batonRollout('promote'), new RegExp(`promoted Rollout ${namespace}/web of Application ${application}`));
    await expectHealth(fourth, 'Healthy');
    assert.equal((await rolloutStatus()).stableRS, canary);

    const fifth = await release('5');
    await expectPausedCanary(fifth, canary);
    assert.match(await batonRollout('abort'), new RegExp(`aborted Rollout ${namespace}/web`));
    await until('all 5 pods back on the stable ReplicaSet', async () => {
      const pods = await readyPodsByHash();
      return (await rolloutStatus()).abort === true && pods[canary] === 5 && Object.keys(pods).length === 1 ? true : undefined;
    });
  });
});

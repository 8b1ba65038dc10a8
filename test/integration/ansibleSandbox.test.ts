import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnsibleActivities } from '../../src/activities/ansible/index.js';
import type { PlaybookName, PlaybookSummary } from '../../src/activities/interfaces.js';
import { argoCdRelease } from '../../src/sandbox/index.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import {
  apiRequest,
  kubectl,
  labelledObjects,
  secretToken,
  settingsFor,
  testPlatform,
  tokenCan,
  writeTokenKubeconfig,
} from '../support/ansibleCluster.js';
import { adminRequest } from '../support/argoCdSandbox.js';
import { emptyClusterSandbox, portShifts, type EmptyClusterSandbox } from '../support/sandbox.js';

const features = { argoEvents: true, argoRollouts: true, kargo: false };
/** Set from the sandbox started before the tests: a missing part fails the run, saying what is missing. */
let sandbox: EmptyClusterSandbox;
let kubeconfig = '';
let manifestsDir = '';
/** The pinned Argo CD release's version, which the sandbox's Argo CD reports once bootstrap installed it. */
let argoCdVersion = '';
let argocd = { url: '', passwordFile: '' };

function settings(kubeconfigPath = kubeconfig, manifests = manifestsDir) {
  return settingsFor(kubeconfigPath, manifests, argocd);
}

function runPlaybook(
  playbook: PlaybookName,
  settingsGiven = settings(),
  env = new MockActivityEnvironment({ heartbeatTimeoutMs: 30_000 }),
): Promise<PlaybookSummary> {
  return env.run(createAnsibleActivities(settingsGiven).runPlaybook, { playbook, platform: testPlatform, environment: 'dev', features });
}

/** The process group ids of the running processes whose command line contains the marker. */
async function processGroupsWith(marker: string): Promise<number[]> {
  const groups: number[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    if (cmdline.includes(marker) && pgid) groups.push(pgid);
  }
  return groups;
}

async function groupAlive(pgid: number): Promise<boolean> {
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

/** Repeats the request until it answers the expected status or the limit passes; the last status. */
async function statusWithin(limitMs: number, expected: number, send: () => Promise<{ status: number }>): Promise<number> {
  const deadline = Date.now() + limitMs;
  let status = (await send()).status;
  while (status !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    status = (await send()).status;
  }
  return status;
}

describe('the bootstrap layer on the sandbox', { concurrency: false }, () => {
  before(async () => {
    // Phase 1 starts from a cluster with no Argo CD object at all; the sandbox runs Argo CD once bootstrap installed it.
    sandbox = await emptyClusterSandbox(portShifts.integration.emptyCluster);
    kubeconfig = sandbox.status.kubeconfig;
    argocd = { url: sandbox.status.argocd.url, passwordFile: sandbox.status.argocd.passwordFile };
    ({ manifestsDir, version: argoCdVersion } = await argoCdRelease(sandbox.config));
  });

  after(async () => {
    await sandbox?.remove();
  });

  it('bootstraps from scratch, then a second run changes nothing', { timeout: 600_000 }, async () => {
    assert.equal((await kubectl(kubeconfig, 'get', 'crd', '-o', 'name')).trim(), '', 'no CRDs before bootstrap');
    assert.equal(
      (await kubectl(kubeconfig, 'get', 'namespace', 'argocd', '--ignore-not-found', '-o', 'name')).trim(),
      '',
      'no argocd namespace',
    );
    assert.equal(sandbox.status.argocd.version, null, "Argo CD's API does not answer before bootstrap");
    const first = await runPlaybook('bootstrap');
    assert.equal(first.failed, 0);
    assert.ok(first.changed > 0, `the first run changed ${first.changed} tasks`);
    assert.equal(first.credentialsRef, 'baton-system/baton-automation');
    const second = await runPlaybook('bootstrap');
    assert.equal(second.changed, 0, 'the second run reports changed=0');
    console.log(
      `bootstrap: first run ${first.durationMs}ms changed=${first.changed}; second run ${second.durationMs}ms changed=${second.changed}`,
    );

    const root = await kubectl(
      kubeconfig,
      'get',
      'applications.argoproj.io',
      '-n',
      'argocd',
      `root-${testPlatform}-dev`,
      '-o',
      'jsonpath={.spec.project} {.metadata.labels.app\\.kubernetes\\.io/managed-by}',
    );
    assert.equal(root, `${testPlatform}-dev baton`);
    const accounts = await kubectl(kubeconfig, 'get', 'configmap', '-n', 'argocd', 'argocd-cm', '-o', 'jsonpath={.data.accounts\\.baton}');
    assert.equal(accounts, 'apiKey');
    assert.equal(
      await sandbox.argoCdVersionWithin(60_000, argoCdVersion),
      argoCdVersion,
      "the sandbox runs Argo CD once bootstrap's install is in the cluster",
    );
  });

  it('gives the automation ServiceAccount only what the cluster activities need', { timeout: 60_000 }, async () => {
    const token = await secretToken(kubeconfig, 'baton-system', 'baton-automation');
    assert.equal(await tokenCan(kubeconfig, token, 'list', '', 'nodes'), true);
    assert.equal(await tokenCan(kubeconfig, token, 'list', '', 'namespaces'), true);
    assert.equal(
      await tokenCan(kubeconfig, token, 'create', 'argoproj.io', 'applications'),
      false,
      'orchestration never writes Applications',
    );
    assert.equal(await tokenCan(kubeconfig, token, 'list', '', 'secrets'), false, 'no cluster-wide Secrets');
    assert.equal(await tokenCan(kubeconfig, token, 'delete', '', 'namespaces'), false);
  });

  it(
    'fails with the task and the module message when the manifests are missing, and recovers on a re-run',
    { timeout: 600_000 },
    async () => {
      const broken = settings(kubeconfig, '/nonexistent/argo-cd/manifests');
      const failure = await runPlaybook('bootstrap', broken).then(
        () => assert.fail('bootstrap succeeded without manifests'),
        (err: unknown) => err,
      );
      assert.ok(failure instanceof ApplicationFailure, String(failure));
      assert.equal(failure.type, failureTypes.playbookFailed);
      assert.equal(failure.nonRetryable, true);
      assert.match(
        failure.message,
        /^TASK \[argocd : Read the Argo CD install manifests\] failed: .*\/nonexistent\/argo-cd\/manifests\/install\.yaml/,
      );

      const fixed = await runPlaybook('bootstrap');
      assert.equal(fixed.failed, 0);
      assert.equal(fixed.changed, 0);
    },
  );

  it('stops ansible-playbook and its process group when the activity is cancelled', { timeout: 120_000 }, async () => {
    // A TMPDIR of its own puts a marker on ansible-playbook's command line (its extra-vars file).
    const marker = await mkdtemp(join(tmpdir(), 'baton-cancel-'));
    const savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = marker;
    try {
      const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 30_000 });
      const heartbeats: string[] = [];
      let group: number | undefined;
      const running = runPlaybook('bootstrap', settings(), env);
      const cancelled = new Promise<void>((resolve) => {
        env.on('heartbeat', (detail: string) => {
          heartbeats.push(detail);
          if (group === undefined && detail.startsWith('TASK [argocd : Argo CD CRDs')) {
            void processGroupsWith(marker).then((groups) => {
              group = groups[0];
              env.cancel();
              resolve();
            });
          }
        });
      });
      await cancelled;
      await assert.rejects(running, (err) => err instanceof CancelledFailure);
      assert.ok(group, 'ansible-playbook was found running');
      assert.equal(await groupAlive(group), false, `process group ${group} is gone`);
      assert.ok(
        heartbeats.some((h) => /^TASK \[namespaces : .+\] (ok|changed)$/.test(h)),
        heartbeats.join('\n'),
      );
      const left = (await readdir(marker)).filter((name) => name.startsWith('baton-ansible-'));
      assert.deepEqual(left, [], 'the extra-vars file is removed');
    } finally {
      if (savedTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmpdir;
      await rm(marker, { recursive: true, force: true });
    }
  });

  it('rotation revokes the bootstrap token (401) and the new token and automation token work', { timeout: 300_000 }, async () => {
    // The operator's part: a bootstrap ServiceAccount and a token for it, handed to the bootstrap layer.
    await kubectl(kubeconfig, 'create', 'serviceaccount', '-n', 'kube-system', 'baton-bootstrap');
    await kubectl(
      kubeconfig,
      'create',
      'clusterrolebinding',
      'baton-bootstrap-it',
      '--clusterrole=cluster-admin',
      '--serviceaccount=kube-system:baton-bootstrap',
    );
    const work = await mkdtemp(join(tmpdir(), 'baton-rotate-'));
    try {
      const tokenSecret = join(work, 'token-secret.json');
      await writeFile(
        tokenSecret,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'kubernetes.io/service-account-token',
          metadata: {
            name: 'baton-bootstrap-initial',
            namespace: 'kube-system',
            annotations: { 'kubernetes.io/service-account.name': 'baton-bootstrap' },
          },
        }),
      );
      await kubectl(kubeconfig, 'apply', '-f', tokenSecret);
      await kubectl(
        kubeconfig,
        'wait',
        'secret',
        '-n',
        'kube-system',
        'baton-bootstrap-initial',
        '--for=jsonpath={.data.token}',
        '--timeout=30s',
      );
      const oldToken = await secretToken(kubeconfig, 'kube-system', 'baton-bootstrap-initial');
      assert.equal((await apiRequest(kubeconfig, oldToken, 'GET', '/api/v1/namespaces/baton-system')).status, 200);

      const bootstrapKubeconfig = join(work, 'bootstrap-kubeconfig');
      await writeTokenKubeconfig(kubeconfig, oldToken, bootstrapKubeconfig);
      const bootstrapped = await runPlaybook('bootstrap', settings(bootstrapKubeconfig));
      assert.equal(bootstrapped.changed, 0, 'bootstrap with the bootstrap credential: nothing left to change');
      const rotated = await runPlaybook('rotate-credentials', settings(bootstrapKubeconfig));
      assert.equal(rotated.failed, 0);
      assert.equal(rotated.credentialsRef, 'baton-system/baton-automation');

      // The API server caches successful token reviews for 10s: the old token is rejected after that.
      assert.equal(
        await statusWithin(20_000, 401, () => apiRequest(kubeconfig, oldToken, 'GET', '/api/v1/namespaces/baton-system')),
        401,
        'the old bootstrap token is rejected',
      );
      const current = (
        await kubectl(
          kubeconfig,
          'get',
          'secret',
          '-n',
          'kube-system',
          '-l',
          `baton.dev/credential=bootstrap,baton.dev/platform=${testPlatform}`,
          '-o',
          'name',
        )
      )
        .trim()
        .split('\n');
      assert.equal(current.length, 1, `one bootstrap token: ${current.join(', ')}`);
      const newToken = await secretToken(kubeconfig, 'kube-system', current[0]!.replace('secret/', ''));
      assert.equal(
        (await apiRequest(kubeconfig, newToken, 'GET', '/api/v1/namespaces/baton-system')).status,
        200,
        'the new bootstrap token works',
      );
      const automation = await secretToken(kubeconfig, 'baton-system', 'baton-automation');
      assert.equal((await apiRequest(kubeconfig, automation, 'GET', '/api/v1/nodes')).status, 200, 'the automation token works');

      // Rotating again (bootstrap's recovery, docs/architecture.md#phases: re-run with the same inputs) issues a new Argo CD token and revokes the earlier ones.
      const again = await runPlaybook('rotate-credentials');
      assert.equal(again.failed, 0);
      const account = (await adminRequest(sandbox.status, 'GET', '/api/v1/account/baton')) as { tokens?: { id: string }[] };
      assert.equal(account.tokens?.length, 1, `one API token for the baton account: ${JSON.stringify(account.tokens)}`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('teardown removes everything bootstrap created', { timeout: 600_000 }, async () => {
    const removed = await runPlaybook('teardown');
    assert.equal(removed.failed, 0);
    assert.equal(removed.credentialsRef, undefined);
    console.log(`teardown: ${removed.durationMs}ms changed=${removed.changed}`);
    assert.deepEqual(await labelledObjects(kubeconfig, testPlatform), []);
    const again = await runPlaybook('teardown');
    assert.equal(again.changed, 0, 'teardown is re-runnable');
    assert.equal((await kubectl(kubeconfig, 'get', 'crd', '-o', 'name')).trim(), '', "no CRDs left, Argo CD's included");
    assert.equal(await sandbox.argoCdVersionWithin(30_000, null), null, "the sandbox stopped Argo CD with its install's removal");
  });
});

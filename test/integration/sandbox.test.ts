import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  processesMentioning,
  sandboxCommands,
  sandboxConfig,
  shiftedPorts,
  type PartListeners,
  type SandboxStatus,
} from '../../src/sandbox/index.js';
import { portShifts } from '../support/sandbox.js';
import { repoRoot, toolPath } from '../support/tools.js';

const run = promisify(execFile);

/** A second sandbox, in its own folder and on its own ports, so this test never stops the shared one. */
const ports = shiftedPorts(portShifts.integration.sandboxLifecycle);

let stateDir = '';

/** Runs `baton sandbox ...` with this sandbox's settings; resolves with the exit code and output. */
async function baton(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [join(repoRoot, 'bin/baton.js'), 'sandbox', ...args], {
      env: { ...process.env, ...ports, BATON_SANDBOX_DIR: stateDir },
      timeout: 180_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    if (typeof code !== 'number') throw err;
    return { code, stdout, stderr };
  }
}

/** A process that has exited but not been reaped yet (a zombie) counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

async function status(): Promise<{ code: number; status: SandboxStatus }> {
  const { code, stdout } = await baton('status', '--json');
  return { code, status: JSON.parse(stdout) as SandboxStatus };
}

describe('baton sandbox lifecycle', { concurrency: false }, () => {
  before(async () => {
    for (const binary of [
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok',
      'temporal',
      'argocd',
      'kubectl',
      'helm',
      'kustomize',
      'registry',
    ])
      toolPath(binary);
    assert.ok(existsSync('/usr/bin/redis-server'), 'redis-server is installed (apt-get install -y redis-server)');
    stateDir = await mkdtemp(join(tmpdir(), 'baton-sandbox-it-'));
  });

  after(async () => {
    if (stateDir) {
      await baton('down');
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('comes up from nothing with every part ready, then a second up reuses them all', async () => {
    const first = await baton('up', '--no-build');
    assert.equal(first.code, 0, first.stderr);
    for (const line of [
      'etcd ready on 127.0.0.1:22379',
      'kube-apiserver ready on https://127.0.0.1:26443',
      'temporal ready on 127.0.0.1:27233',
      'redis ready on 127.0.0.1:26379',
      'registry ready on http://127.0.0.1:25000',
      'argocd-repo-server ready on 127.0.0.1:28081',
      'argocd-application-controller ready on http://127.0.0.1:28082',
      'argocd-server ready on http://127.0.0.1:28080',
      '3 kwok nodes Ready',
    ]) {
      assert.ok(first.stdout.includes(`[sandbox] ${line}`), `up reports "${line}":\n${first.stdout}`);
    }
    assert.match(first.stdout, /sandbox ready in [\d.]+s \(cold start\)/);

    const second = await baton('up', '--no-build');
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.match(/already running/g)?.length, 12, second.stdout);
    assert.match(second.stdout, /\(12 of 12 parts reused\)/);

    const { code, status: current } = await status();
    assert.equal(code, 0);
    assert.equal(current.kubeconfig, join(stateDir, 'kubeconfig'));
    assert.deepEqual(current.kubernetes, { server: 'https://127.0.0.1:26443', version: 'v1.34.4' });
    assert.deepEqual(current.clusters, [
      { name: 'in-cluster', argocdName: 'in-cluster', kubeconfig: current.kubeconfig, apiserver: 'https://127.0.0.1:26443', healthy: true },
    ]);
    assert.deepEqual(current.temporal, { address: '127.0.0.1:27233', namespace: 'default', ui: 'http://127.0.0.1:28233' });
    assert.deepEqual(current.argocd, {
      mode: 'preinstalled',
      url: 'http://127.0.0.1:28080',
      version: current.argocd.version,
      username: 'admin',
      passwordFile: join(stateDir, 'argocd-admin-password'),
    });
    assert.match(current.argocd.version ?? '', /^v3\./);
    assert.equal((statSync(current.argocd.passwordFile).mode & 0o777).toString(8), '600');
    assert.deepEqual(current.registry, { url: 'http://127.0.0.1:25000', repoURL: '127.0.0.1:25000/charts' });
    assert.equal(current.git.url, `file://${join(stateDir, 'git/platform.git')}`);
    assert.match(current.git.revision ?? '', /^[0-9a-f]{40}$/);
    assert.equal(typeof current.coldStartSeconds, 'number');
    // The Rollouts controller waits for bootstrap to install its CRDs; its supervisor is one of up's parts.
    const controller = current.parts.find((part) => part.name === 'rollouts-controller');
    assert.deepEqual(
      { startedBy: controller?.startedBy, running: controller?.running },
      { startedBy: 'rollouts-supervisor', running: false },
    );
    for (const part of current.parts.filter((each) => each.startedBy === 'up')) {
      assert.equal(part.running, true, part.name);
      assert.ok((part.rssMiB ?? 0) > 1, `${part.name} reports its RSS`);
      assert.ok(existsSync(part.log), `${part.name} logs to ${part.log}`);
    }
    process.stderr.write(
      `cold start ${current.coldStartSeconds}s; RSS ${current.parts.map((p) => `${p.name} ${p.rssMiB} MiB`).join(', ')}\n`,
    );
  });

  it('shows a killed part as not running, and up starts it again', async () => {
    const scheduler = (await status()).status.parts.find((part) => part.name === 'kube-scheduler');
    assert.ok(scheduler?.pid);
    process.kill(scheduler.pid, 'SIGKILL');
    const deadline = Date.now() + 5_000;
    let after = await status();
    while (after.status.parts.find((part) => part.name === 'kube-scheduler')?.running && Date.now() < deadline) after = await status();

    assert.equal(after.code, 1, 'status exits 1 when a part is not running');
    const dead = after.status.parts.find((part) => part.name === 'kube-scheduler');
    assert.deepEqual(
      { pid: dead?.pid, running: dead?.running, rssMiB: dead?.rssMiB },
      { pid: scheduler.pid, running: false, rssMiB: null },
    );
    assert.deepEqual(
      after.status.parts.filter((part) => !part.running && part.startedBy === 'up').map((part) => part.name),
      ['kube-scheduler'],
    );
    assert.equal(after.status.running, false);

    const text = await baton('status');
    assert.match(text.stdout, new RegExp(`kube-scheduler +NOT RUNNING \\(pid ${scheduler.pid} exited\\)`));

    const again = await baton('up', '--no-build');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /kube-scheduler \(pid \d+\) is no longer running: starting it again/);
    assert.equal((await status()).status.running, true);
  });

  it('refuses to change the Argo CD mode of a cluster that exists, naming the command that does', async () => {
    const current = await status();
    assert.equal(current.status.argocd.mode, 'preinstalled');
    assert.equal(
      current.status.parts.some((part) => part.name === 'argocd-supervisor'),
      false,
      'no supervisor when Argo CD is preinstalled',
    );
    const refused = await baton('up', '--no-build', '--argocd', 'bootstrap');
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /runs Argo CD preinstalled; bootstrap needs an empty cluster: `baton sandbox wipe-cluster --yes --argocd bootstrap`/,
    );
    const unknown = await baton('up', '--no-build', '--argocd', 'later');
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /argument 'later' is invalid. Allowed choices are preinstalled, bootstrap/);
  });

  it('listens on 127.0.0.1 only, but for the parts that have no flag for it, each named with its reason', async () => {
    const scan = await baton('listeners', '--json');
    assert.equal(scan.code, 0, scan.stdout + scan.stderr);
    const parts = JSON.parse(scan.stdout) as PartListeners[];
    const running = (await status()).status.parts.filter((part) => part.running).map((part) => part.name);
    assert.deepEqual(
      parts.map((part) => part.part),
      running,
    );
    for (const part of parts.filter((each) => !each.exception))
      assert.ok(
        part.listeners.every((listener) => listener.loopback),
        `${part.part} listens on 127.0.0.1 only: ${JSON.stringify(part.listeners)}`,
      );
    const beyond = parts.filter((part) => part.listeners.some((listener) => !listener.loopback));
    assert.deepEqual(
      beyond.map((part) => [part.part, Boolean(part.exception)]),
      [['argocd-application-controller', true]],
      'the one part beyond loopback has a named reason',
    );
    const text = await baton('listeners');
    assert.match(text.stdout, /argocd-application-controller .* beyond loopback: Argo CD v3 has no flag/);
    assert.match(text.stdout, /every part listens on 127\.0\.0\.1 only, but for the exceptions named above/);
  });

  it('prints a part’s log and refuses an unknown part', async () => {
    const logs = await baton('logs', 'etcd', '-n', '5');
    assert.equal(logs.code, 0);
    assert.ok(logs.stdout.trim().split('\n').length <= 5);
    const registry = await baton('logs', 'registry');
    assert.equal(registry.code, 0, registry.stderr);
    const unknown = await baton('logs', 'nope');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown part nope; one of temporal, etcd, kube-apiserver/);
  });

  it('down stops every process it started and leaves none behind', async () => {
    const before = (await status()).status.parts.map((part) => part.pid);
    const down = await baton('down');
    assert.equal(down.code, 0, down.stderr);
    assert.equal(down.stdout.match(/ (stopped|killed) \(pid \d+\)/g)?.length, 12, down.stdout);
    assert.deepEqual(
      processesMentioning(sandboxCommands(sandboxConfig({ ...process.env, BATON_SANDBOX_DIR: stateDir })), `${stateDir}/`),
      [],
    );
    for (const pid of before) assert.equal(alive(pid ?? 0), false, `pid ${pid} is gone`);
    const { code, status: stopped } = await status();
    assert.equal(code, 1);
    assert.deepEqual(
      stopped.parts.filter((part) => part.running),
      [],
    );
    assert.equal(stopped.kubernetes.version, null);
    assert.equal(stopped.argocd.version, null);
  });
});

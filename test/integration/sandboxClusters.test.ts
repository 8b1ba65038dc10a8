import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { clusterPortStep } from '../../src/sandbox/config.js';
import { processesMentioning, sandboxCommands, type SandboxStatus } from '../../src/sandbox/index.js';
import { multiClusterSandbox, portShifts, type OwnSandbox } from '../support/sandbox.js';
import { repoRoot, toolPath } from '../support/tools.js';

const run = promisify(execFile);

/** The hub without Argo CD's controller and server (bootstrap mode): this file is about the control planes. */
let sandbox: OwnSandbox;
let status: SandboxStatus;

async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(toolPath('kubectl'), ['--kubeconfig', kubeconfig, ...args], { timeout: 30_000 });
  return stdout;
}

/** `baton sandbox ...` with this sandbox's settings; resolves with the exit code and output. */
async function baton(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [join(repoRoot, 'bin/baton.js'), 'sandbox', ...args], {
      env: sandbox.env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    if (typeof code !== 'number') throw err;
    return { code, stdout, stderr };
  }
}

function cluster(name: string): SandboxStatus['clusters'][number] {
  const found = status.clusters.find((candidate) => candidate.name === name);
  assert.ok(found, `status lists cluster ${name}: ${JSON.stringify(status.clusters)}`);
  return found;
}

describe('a sandbox of two clusters', { concurrency: false }, () => {
  before(async () => {
    const began = Date.now();
    sandbox = await multiClusterSandbox(['hub', 'edge'], 'bootstrap', portShifts.integration.multiCluster);
    status = sandbox.status;
    const total = status.parts.reduce((sum, part) => sum + (part.rssMiB ?? 0), 0);
    process.stderr.write(`2-cluster sandbox up in ${((Date.now() - began) / 1000).toFixed(1)}s; RSS ${total.toFixed(0)} MiB\n`);
  });

  after(async () => {
    if (!sandbox) return;
    const { stateDir } = sandbox.config;
    await sandbox.remove();
    assert.deepEqual(processesMentioning(sandboxCommands(sandbox.config), `${stateDir}/`), [], 'down leaves no process of either cluster');
  });

  it('lists both clusters in the status: the hub is in-cluster to Argo CD, the other on the ports +100 with its own kubeconfig', () => {
    const { stateDir, ports } = sandbox.config;
    assert.deepEqual(status.clusters, [
      {
        name: 'hub',
        argocdName: 'in-cluster',
        kubeconfig: join(stateDir, 'kubeconfig'),
        apiserver: `https://127.0.0.1:${ports.apiserver}`,
        healthy: true,
      },
      {
        name: 'edge',
        argocdName: 'edge',
        kubeconfig: join(stateDir, 'clusters/edge/kubeconfig'),
        apiserver: `https://127.0.0.1:${ports.apiserver + clusterPortStep}`,
        healthy: true,
      },
    ]);
    const edgeParts = status.parts.filter((part) => part.name.startsWith('edge/'));
    assert.deepEqual(
      edgeParts.map((part) => [part.name, part.running]),
      // The edge's Rollouts controller waits for bootstrap to install the Argo Rollouts CRDs there.
      [
        ...['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'].map((part) => [`edge/${part}`, true]),
        ['edge/rollouts-controller', false],
      ],
    );
    assert.ok(
      !status.parts.some((part) => part.name.startsWith('edge/') && /temporal|redis|registry|argocd/.test(part.name)),
      'Temporal, redis, the registry and Argo CD run once, in the hub',
    );
    assert.equal(status.running, true);
  });

  it('answers on each API server with its own kubeconfig, each with its own Ready nodes', async () => {
    for (const name of ['hub', 'edge']) {
      const { kubeconfig, apiserver } = cluster(name);
      const version = JSON.parse(await kubectl(kubeconfig, 'get', '--raw', '/version')) as { gitVersion: string };
      assert.equal(version.gitVersion, 'v1.34.4');
      assert.match(
        await kubectl(kubeconfig, 'config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'),
        new RegExp(apiserver),
      );
      const ready = await kubectl(
        kubeconfig,
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
      );
      assert.deepEqual(ready.trim().split('\n'), ['kwok-node-0=True', 'kwok-node-1=True', 'kwok-node-2=True'], name);
    }
  });

  it("keeps the clusters apart: one cluster's credentials and CA do not reach the other, and the edge has its own objects", async () => {
    await assert.rejects(
      kubectl(cluster('hub').kubeconfig, '--server', cluster('edge').apiserver, 'get', 'nodes'),
      /x509|certificate/,
      "the hub's CA does not vouch for the edge's API server (each cluster has its own PKI)",
    );
    await kubectl(cluster('edge').kubeconfig, 'create', 'namespace', 'only-on-edge');
    await assert.rejects(kubectl(cluster('hub').kubeconfig, 'get', 'namespace', 'only-on-edge'), /NotFound|not found/);
  });

  it('refuses webhooks and APIServices that point at a Service in the extra cluster too', async () => {
    assert.match(
      await kubectl(cluster('edge').kubeconfig, 'get', 'validatingadmissionpolicy', '-o', 'name'),
      /sandbox-no-service-callouts/,
    );
    const webhook = JSON.stringify({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'calls-out' },
      webhooks: [
        {
          name: 'calls-out.example.com',
          clientConfig: { service: { namespace: 'default', name: 'hook' } },
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
        },
      ],
    });
    const child = run(toolPath('kubectl'), ['--kubeconfig', cluster('edge').kubeconfig, 'create', '-f', '-']);
    child.child.stdin?.end(webhook);
    await assert.rejects(child, /points at Service default\/hook; the sandbox runs no pods/);
  });

  it('names the extra cluster in logs, and refuses another cluster list while it runs', async () => {
    const logs = await baton('logs', 'edge/kube-apiserver', '-n', '5');
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout.trim().split('\n').length, 5);
    const unknown = await baton('logs', 'nowhere/etcd');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /has no extra cluster nowhere \(its extra clusters: edge\)/);

    const other = await baton('up', '--no-build', '--clusters', 'hub,edge,far');
    assert.equal(other.code, 1);
    assert.match(other.stderr, /runs the clusters hub,edge; hub,edge,far needs it stopped first: `baton sandbox down`/);
    const text = await baton('status');
    assert.match(
      text.stdout,
      new RegExp(`edge \\(Argo CD: edge\\) {2}healthy {2}https://127\\.0\\.0\\.1:${sandbox.config.ports.apiserver + clusterPortStep}`),
    );
  });
});

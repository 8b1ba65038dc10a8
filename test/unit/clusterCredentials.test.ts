import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { loadKubeConfig } from '../../src/activities/cluster/client.js';
import { ClusterCredentials, identityOf } from '../../src/activities/cluster/credentials.js';

const serviceAccount = 'system:serviceaccount:baton-system:baton-automation';

/** An unsigned JWT with the claims: enough for what Baton reads from a token without verifying it. */
function jwt(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.signature`;
}

function writeKubeconfig(path: string, server: string, user: { name: string; token: string }): Promise<void> {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server } }],
    users: [{ name: user.name, user: { token: user.token } }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: user.name } }],
    'current-context': 'ctx',
  };
  return writeFile(path, stringify(config), { mode: 0o600 });
}

describe('identityOf', () => {
  let dir = '';
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'baton-identity-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it("names a ServiceAccount token's subject, never the token", async () => {
    const token = jwt({ sub: serviceAccount });
    await writeKubeconfig(join(dir, 'sa'), 'https://a:6443', { name: 'baton-system/baton-automation', token });
    const identity = identityOf(loadKubeConfig(join(dir, 'sa')));
    assert.equal(identity, serviceAccount);
  });

  it("names the kubeconfig's user when the token is not a JWT", async () => {
    await writeKubeconfig(join(dir, 'static'), 'https://a:6443', { name: 'admin', token: 'static-secret' });
    assert.equal(identityOf(loadKubeConfig(join(dir, 'static'))), 'user admin');
  });
});

describe('ClusterCredentials', () => {
  let dir = '';
  let start = '';
  let automation = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baton-credentials-'));
    start = join(dir, 'start.kubeconfig');
    automation = join(dir, 'automation.kubeconfig');
    await writeKubeconfig(start, 'https://start:6443', { name: 'admin', token: 'static-secret' });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  function credentials(announced: string[], automationKubeconfig: string | undefined = automation): ClusterCredentials {
    return new ClusterCredentials({ kubeconfig: start, ...(automationKubeconfig ? { automationKubeconfig } : {}) }, (identity) =>
      announced.push(identity),
    );
  }

  it('acts with the start kubeconfig when no automation kubeconfig is configured', async () => {
    const announced: string[] = [];
    const zone = credentials(announced, undefined);
    assert.equal((await zone.currentClient()).server, 'https://start:6443');
    assert.deepEqual(announced, [`user admin (${start})`]);
  });

  it('acts with the start kubeconfig until rotation writes the automation kubeconfig, then with it', async () => {
    const announced: string[] = [];
    const zone = credentials(announced);
    assert.equal((await zone.currentClient()).server, 'https://start:6443');
    assert.equal((await zone.currentClient()).server, 'https://start:6443');

    await writeKubeconfig(automation, 'https://automation:6443', { name: 'sa', token: jwt({ sub: serviceAccount }) });
    assert.equal((await zone.currentClient()).server, 'https://automation:6443');
    assert.equal((await zone.currentClient()).server, 'https://automation:6443');
    assert.equal(zone.startClient().server, 'https://start:6443', 'phase 0 keeps the start kubeconfig');
    assert.deepEqual(
      announced,
      [`user admin (${start})`, `${serviceAccount} (${automation})`, `user admin (${start})`],
      'each change is announced once',
    );
    await rm(automation);
  });

  it('reads the automation kubeconfig again when a rotation rewrites it', async () => {
    const zone = credentials([]);
    await writeKubeconfig(automation, 'https://first:6443', { name: 'sa', token: jwt({ sub: serviceAccount }) });
    // Same inode and size on the rewrite below: only the mtime tells the two apart.
    await utimes(automation, new Date(1_000_000), new Date(1_000_000));
    assert.equal((await zone.currentClient()).server, 'https://first:6443');
    await writeKubeconfig(automation, 'https://second:6443', { name: 'sa', token: jwt({ sub: serviceAccount }) });
    assert.equal((await zone.currentClient()).server, 'https://second:6443');
    await rm(automation);
  });

  it('goes back to the start kubeconfig when teardown removes the automation kubeconfig', async () => {
    const announced: string[] = [];
    const zone = credentials(announced);
    await writeKubeconfig(automation, 'https://automation:6443', { name: 'sa', token: jwt({ sub: serviceAccount }) });
    assert.equal((await zone.currentClient()).server, 'https://automation:6443');
    await rm(automation);
    assert.equal((await zone.currentClient()).server, 'https://start:6443');
    assert.deepEqual(announced, [`${serviceAccount} (${automation})`, `user admin (${start})`]);
  });

  it('names the file when the automation kubeconfig is not a kubeconfig', async () => {
    await writeFile(automation, 'clusters: [', { mode: 0o600 });
    await assert.rejects(credentials([]).currentClient(), new RegExp(`the automation kubeconfig ${automation} is not a usable kubeconfig`));
    await rm(automation);
  });
});

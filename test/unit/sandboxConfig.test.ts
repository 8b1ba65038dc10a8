import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseClusters, sandboxClusters, sandboxConfig, shiftedPorts, withClusters } from '../../src/sandbox/index.js';
import { clusterPortKeys, sandboxEnv } from '../../src/sandbox/config.js';
import { sandboxParts, startedBy } from '../../src/sandbox/parts/index.js';

describe('sandbox configuration', () => {
  it('gives a child process the same configuration through its environment', () => {
    const config = sandboxConfig({
      ...shiftedPorts(20_000),
      BATON_SANDBOX_DIR: '/tmp/elsewhere',
      BATON_SANDBOX_NODES: '5',
      BATON_SANDBOX_ARGOCD: 'bootstrap',
      BATON_SANDBOX_CLUSTERS: 'dev,prod',
      BATON_SANDBOX_APP_RESYNC_SECONDS: '120',
    });
    assert.deepEqual(sandboxConfig(sandboxEnv(config)), config);
  });

  it("resyncs Argo CD's Applications every 10 s unless told otherwise, and names a bad period", () => {
    assert.equal(sandboxConfig({}).appResyncSeconds, 10);
    assert.equal(sandboxConfig({ BATON_SANDBOX_APP_RESYNC_SECONDS: '120' }).appResyncSeconds, 120);
    assert.throws(
      () => sandboxConfig({ BATON_SANDBOX_APP_RESYNC_SECONDS: '2m' }),
      /BATON_SANDBOX_APP_RESYNC_SECONDS=2m is not a whole number between 1 and 3600/,
    );
  });

  it('leaves the clusters to the running sandbox unless named; the flag wins over BATON_SANDBOX_CLUSTERS', () => {
    assert.equal(sandboxConfig({}).clusters, undefined);
    const fromEnv = sandboxConfig({ BATON_SANDBOX_CLUSTERS: ' dev, staging ,prod,' });
    assert.deepEqual(fromEnv.clusters, ['dev', 'staging', 'prod']);
    assert.deepEqual(withClusters(fromEnv, parseClusters('qa,prod', '--clusters')).clusters, ['qa', 'prod']);
  });

  it('gives extra cluster i the hub cluster ports + 100 * i and a state folder of its own; the hub is in-cluster to Argo CD', () => {
    const config = withClusters(sandboxConfig({ ...shiftedPorts(4_000), BATON_SANDBOX_DIR: '/tmp/s' }), ['dev', 'staging', 'prod']);
    const clusters = sandboxClusters(config, ['dev', 'staging', 'prod']);
    assert.deepEqual(
      clusters.map(({ name, argocdName, config: own }) => ({ name, argocdName, stateDir: own.stateDir, apiserver: own.ports.apiserver })),
      [
        { name: 'dev', argocdName: 'in-cluster', stateDir: '/tmp/s', apiserver: 20_443 },
        { name: 'staging', argocdName: 'staging', stateDir: '/tmp/s/clusters/staging', apiserver: 20_543 },
        { name: 'prod', argocdName: 'prod', stateDir: '/tmp/s/clusters/prod', apiserver: 20_643 },
      ],
    );
    const prod = clusters[2]?.config.ports;
    for (const key of clusterPortKeys) assert.equal(prod?.[key], config.ports[key] + 200, key);
    assert.equal(prod?.temporal, config.ports.temporal, 'Temporal, redis, Argo CD, the registry run once, in the hub');
    assert.equal(prod?.argocdServer, config.ports.argocdServer);
  });

  it('refuses cluster lists that are not unique DNS-1123 labels, more than five, or in-cluster past the hub', () => {
    const refusals: [string, RegExp][] = [
      ['', /--clusters=: names no cluster/],
      ['dev,Prod', /--clusters=dev,Prod: cluster Prod must be a DNS-1123 label/],
      ['dev,prod,dev', /cluster dev is named twice/],
      ['a,b,c,d,e,f', /6 clusters, at most 5/],
      ['dev,in-cluster', /in-cluster is what Argo CD calls the first cluster \(the hub\): name another/],
    ];
    for (const [raw, message] of refusals) assert.throws(() => parseClusters(raw, '--clusters'), message, raw);
    assert.deepEqual(parseClusters('in-cluster,prod', '--clusters'), ['in-cluster', 'prod']);
    assert.throws(
      () => sandboxConfig({ BATON_SANDBOX_CLUSTERS: 'x_y' }),
      /BATON_SANDBOX_CLUSTERS=x_y: cluster x_y must be a DNS-1123 label/,
    );
  });

  it("refuses an extra cluster's port that another setting takes, naming both", () => {
    // The second cluster's apiserver would be 16443 + 100 = 16543: the registry is moved there.
    assert.throws(
      () => sandboxConfig({ BATON_SANDBOX_REGISTRY_PORT: '16543', BATON_SANDBOX_CLUSTERS: 'dev,prod' }),
      /the sandbox ports of registry and prod\/apiserver are both 16543/,
    );
    assert.throws(
      () => withClusters(sandboxConfig({ BATON_SANDBOX_REGISTRY_PORT: '16543' }), ['dev', 'prod']),
      /registry and prod\/apiserver are both 16543/,
    );
  });

  it('leaves the Argo CD mode to the running sandbox unless one is named, and names a bad one', () => {
    assert.equal(sandboxConfig({}).argocdMode, undefined);
    assert.equal(sandboxConfig({ BATON_SANDBOX_ARGOCD: 'preinstalled' }).argocdMode, 'preinstalled');
    assert.throws(
      () => sandboxConfig({ BATON_SANDBOX_ARGOCD: 'later' }),
      /BATON_SANDBOX_ARGOCD=later is not one of preinstalled, bootstrap/,
    );
  });

  it('lets the supervisor start the Argo CD controller and server only in the bootstrap mode', () => {
    const starters = (mode: 'preinstalled' | 'bootstrap') =>
      Object.fromEntries(sandboxParts.map((part) => [part.name, startedBy(part, mode)]));
    const preinstalled = starters('preinstalled');
    const bootstrap = starters('bootstrap');
    assert.equal(preinstalled['argocd-server'], 'up');
    assert.equal(preinstalled['argocd-supervisor'], 'nobody');
    assert.equal(bootstrap['argocd-server'], 'argocd-supervisor');
    assert.equal(bootstrap['argocd-application-controller'], 'argocd-supervisor');
    assert.equal(bootstrap['argocd-repo-server'], 'up', 'the repo-server needs nothing in the cluster');
    assert.equal(bootstrap['argocd-supervisor'], 'up');
  });
});

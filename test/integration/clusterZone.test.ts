import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { parse, stringify } from 'yaml';
import { createClusterActivities } from '../../src/activities/cluster/index.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import { sandbox } from '../support/sandbox.js';

/**
 * The cluster zone with several clusters: the test sandbox as in-cluster, the same API server registered a
 * second time as `second`, and `closed`, whose kubeconfig names a port nothing listens on. Which one an
 * activity reaches is told by the cluster it names.
 */
describe('the cluster zone chooses the cluster an activity names', () => {
  let scratch: string;
  let activities: ReturnType<typeof createClusterActivities>;
  const platform = 'zone-it';

  before(async () => {
    const status = await sandbox();
    scratch = await mkdtemp(join(tmpdir(), 'baton-cluster-zone-'));
    const second = join(scratch, 'second.kubeconfig');
    await copyFile(status.kubeconfig, second);
    // The sandbox's own credentials, at an address where nothing answers.
    const config = parse(await readFile(status.kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[] };
    for (const entry of config.clusters) entry.cluster.server = 'https://127.0.0.1:1';
    const closed = join(scratch, 'closed.kubeconfig');
    await writeFile(closed, stringify(config));
    activities = createClusterActivities({
      kubeconfig: status.kubeconfig,
      clusters: { second: { kubeconfig: second }, closed: { kubeconfig: closed } },
    });
  });

  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('checks the hub when no cluster is named, and each named cluster with its own kubeconfig', async () => {
    const passed = async (cluster?: string) =>
      (await activities.preflight({ platform, minKubernetesVersion: '1.30', ...(cluster ? { cluster } : {}) })).passed;
    assert.equal(await passed(), true, 'no cluster: the hub');
    assert.equal(await passed('in-cluster'), true);
    assert.equal(await passed('second'), true);
    const closed = await activities.preflight({ platform, minKubernetesVersion: '1.30', cluster: 'closed' });
    assert.equal(closed.passed, false);
    assert.match(closed.checks.find((c) => c.name === 'api-reachable')?.reason ?? '', /127\.0\.0\.1:1\b/);
  });

  it('refuses a cluster it was not given, for good, naming the clusters it has', async () => {
    for (const call of [
      () => activities.preflight({ platform, minKubernetesVersion: '1.30', cluster: 'prod' }),
      () => activities.findOrphans({ platform, cluster: 'prod' }),
      () => activities.deleteResources({ cluster: 'prod', objects: [], timeoutMs: 1_000 }),
    ]) {
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof ApplicationFailure, String(err));
        assert.equal(err.type, failureTypes.unknownCluster);
        assert.equal(err.nonRetryable, true);
        assert.match(err.message, /no cluster "prod": it serves in-cluster, second, closed; start it with --cluster prod=KUBECONFIG/);
        return true;
      });
    }
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { stringify } from 'yaml';
import { playbookCluster, playbookVars } from '../../src/activities/ansible/playbookVars.js';
import { clusterAutomationKubeconfig } from '../../src/activities/clusters.js';
import { parseClusterFlags } from '../../src/worker/clusterFlags.js';
import { ansibleSettings, clusterSettings, workerSettingsSchema } from '../../src/worker/settings.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import { repoRoot } from '../support/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-clusters-'));

/** A kubeconfig file for an API server at `server`. */
function kubeconfigAt(name: string, server: string): string {
  const path = join(dir, `${name}.kubeconfig`);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name, context: { cluster: name, user: 'u' } }],
      'current-context': name,
    }),
  );
  return path;
}

const hub = kubeconfigAt('hub', 'https://127.0.0.1:16443');
const prod = kubeconfigAt('prod', 'https://127.0.0.1:16543');

/** `baton worker` with these arguments and environment, which must stop at its settings, before Temporal. */
function worker(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [`${repoRoot}bin/baton.js`, 'worker', '--serve', 'cluster', '--kubeconfig', hub, ...args], {
    encoding: 'utf8',
    env: { ...process.env, BATON_CLUSTERS: '', ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' },
    timeout: 30_000,
  });
  return { code: run.status, stderr: run.stderr };
}

describe("the worker's clusters", () => {
  it('are read from NAME=KUBECONFIG entries', () => {
    assert.deepEqual(parseClusterFlags([`prod=${prod}`, `staging=${hub}`], '--cluster'), {
      prod: { kubeconfig: prod },
      staging: { kubeconfig: hub },
    });
  });

  it('refuse an entry without a name or file, a name given twice and a kubeconfig that is not there, naming the flag', () => {
    assert.throws(() => parseClusterFlags(['prod'], '--cluster'), /^Error: --cluster "prod": must be NAME=KUBECONFIG/);
    assert.throws(
      () => parseClusterFlags([`prod=${prod}`, `prod=${hub}`], 'BATON_CLUSTERS'),
      new RegExp(`^Error: BATON_CLUSTERS: cluster prod is given twice \\(${prod} and ${hub}\\); give each cluster once$`),
    );
    assert.throws(
      () => parseClusterFlags(['prod=/nowhere/prod.kubeconfig'], '--cluster'),
      /the kubeconfig \/nowhere\/prod.kubeconfig does not exist/,
    );
  });

  it('never include the hub, whose kubeconfig is --kubeconfig', () => {
    const parsed = workerSettingsSchema.safeParse({
      taskQueuePrefix: 'baton',
      serve: ['cluster'],
      kubeconfig: hub,
      clusters: { 'in-cluster': { kubeconfig: prod } },
    });
    assert.equal(parsed.success, false);
    assert.deepEqual(
      parsed.error?.issues.map((issue) => [issue.path, issue.message]),
      [
        [
          ['clusters', 'in-cluster'],
          'is the hub, whose kubeconfig is --kubeconfig (BATON_KUBECONFIG); give --cluster only the other clusters',
        ],
      ],
    );
  });

  it("give each cluster its automation kubeconfig beside the hub's", () => {
    assert.equal(clusterAutomationKubeconfig('/s/automation.kubeconfig', 'in-cluster'), '/s/automation.kubeconfig');
    assert.equal(clusterAutomationKubeconfig('/s/automation.kubeconfig', 'prod'), '/s/automation.prod.kubeconfig');
    const settings = workerSettingsSchema.parse({
      taskQueuePrefix: 'baton',
      serve: ['cluster'],
      kubeconfig: hub,
      automationKubeconfig: '/s/automation.kubeconfig',
      clusters: { prod: { kubeconfig: prod } },
    });
    assert.deepEqual(clusterSettings(settings), {
      kubeconfig: hub,
      automationKubeconfig: '/s/automation.kubeconfig',
      clusters: { prod: { kubeconfig: prod, automationKubeconfig: '/s/automation.prod.kubeconfig' } },
    });
  });

  it("give the playbooks the chosen cluster's kubeconfig, server and automation kubeconfig, and the hub's kubeconfig", () => {
    const settings = workerSettingsSchema.parse({
      taskQueuePrefix: 'baton',
      serve: ['ansible'],
      kubeconfig: hub,
      automationKubeconfig: '/s/automation.kubeconfig',
      argocdManifestsDir: '/m',
      clusters: { prod: { kubeconfig: prod } },
    });
    const ansible = ansibleSettings(settings) ?? assert.fail('no ansible settings');
    const run = { playbook: 'bootstrap' as const, platform: 'demo', environment: 'prod', features: {} };
    const vars = (cluster?: string) => {
      const input = cluster ? { ...run, cluster } : run;
      const { baton_kubeconfig, baton_hub_kubeconfig, baton_cluster_name, baton_cluster_server, automation_kubeconfig_file } = playbookVars(
        ansible,
        input,
        playbookCluster(ansible, input),
      );
      return { baton_kubeconfig, baton_hub_kubeconfig, baton_cluster_name, baton_cluster_server, automation_kubeconfig_file };
    };
    assert.deepEqual(vars('prod'), {
      baton_kubeconfig: prod,
      baton_hub_kubeconfig: hub,
      baton_cluster_name: 'prod',
      baton_cluster_server: 'https://127.0.0.1:16543',
      automation_kubeconfig_file: '/s/automation.prod.kubeconfig',
    });
    assert.deepEqual(vars(), {
      baton_kubeconfig: hub,
      baton_hub_kubeconfig: hub,
      baton_cluster_name: 'in-cluster',
      baton_cluster_server: 'https://127.0.0.1:16443',
      automation_kubeconfig_file: '/s/automation.kubeconfig',
    });
    assert.throws(
      () => playbookCluster(ansible, { ...run, cluster: 'staging' }),
      (err: unknown) =>
        err instanceof ApplicationFailure &&
        err.type === failureTypes.unknownCluster &&
        err.nonRetryable &&
        /serves in-cluster, prod; start it with --cluster staging=KUBECONFIG/.test(err.message),
    );
  });

  it('reach `baton worker` from --cluster and BATON_CLUSTERS, which refuses bad ones before it connects', () => {
    const missing = worker(['--cluster', `prod=${prod}`, '--cluster', 'staging=/nowhere.kubeconfig']);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /--cluster "staging=\/nowhere.kubeconfig": the kubeconfig \/nowhere.kubeconfig does not exist/);
    const twice = worker([], { BATON_CLUSTERS: `prod=${prod},prod=${hub}` });
    assert.equal(twice.code, 2, twice.stderr);
    assert.match(twice.stderr, /BATON_CLUSTERS: cluster prod is given twice/);
    const theHub = worker(['--cluster', `in-cluster=${prod}`]);
    assert.equal(theHub.code, 2, theHub.stderr);
    assert.match(theHub.stderr, /clusters\.in-cluster: is the hub, whose kubeconfig is --kubeconfig/);
  });
});

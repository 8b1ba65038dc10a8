import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { playbookVars } from '../../src/activities/ansible/playbookVars.js';
import { ansibleSettings, clusterSettings, workerSettingsSchema } from '../../src/worker/settings.js';
import { zoneActivities } from '../../src/worker/zoneActivities.js';

const automationKubeconfig = '/secrets/automation.kubeconfig';
const run = { playbook: 'rotate-credentials' as const, platform: 'demo', environment: 'dev', features: {} };
const hub = { name: 'in-cluster', kubeconfig: '/k', server: 'https://127.0.0.1:16443' };

describe('the automation kubeconfig setting', () => {
  const settings = workerSettingsSchema.parse({
    taskQueuePrefix: 'baton',
    serve: ['cluster', 'ansible'],
    kubeconfig: '/secrets/start.kubeconfig',
    automationKubeconfig,
    argocdManifestsDir: '/manifests',
  });

  it('reaches the cluster zone, which reads it, next to the start kubeconfig', () => {
    assert.deepEqual(clusterSettings(settings), { kubeconfig: '/secrets/start.kubeconfig', automationKubeconfig });
  });

  it('reaches the playbooks as automation_kubeconfig_file, where rotation writes it', () => {
    const ansible = ansibleSettings(settings);
    assert.ok(ansible);
    assert.equal(playbookVars(ansible, run, hub).automation_kubeconfig_file, automationKubeconfig);
  });

  it('is optional: without it the cluster zone keeps its start kubeconfig and the playbooks write none', () => {
    const without = workerSettingsSchema.parse({
      taskQueuePrefix: 'baton',
      serve: ['cluster', 'ansible'],
      kubeconfig: '/k',
      argocdManifestsDir: '/m',
    });
    assert.deepEqual(clusterSettings(without), { kubeconfig: '/k' });
    assert.equal(playbookVars(ansibleSettings(without) ?? assert.fail('no ansible settings'), run, hub).automation_kubeconfig_file, '');
  });

  it('refuses an empty path', () => {
    const parsed = workerSettingsSchema.safeParse({
      taskQueuePrefix: 'baton',
      serve: ['cluster'],
      kubeconfig: '/k',
      automationKubeconfig: '',
    });
    assert.equal(parsed.success, false);
    assert.deepEqual(
      parsed.error?.issues.map((issue) => issue.path),
      [['automationKubeconfig']],
    );
  });
});

describe('the worker settings', () => {
  it("refuse a setting nothing reads: the root Application's source comes with each run, not from the worker", () => {
    const parsed = workerSettingsSchema.safeParse({
      taskQueuePrefix: 'baton',
      serve: ['ansible'],
      kubeconfig: '/k',
      argocdManifestsDir: '/m',
      source: { repoURL: 'file:///r', targetRevision: 'main' },
    });
    assert.equal(parsed.success, false);
    assert.deepEqual(
      parsed.error?.issues.map((issue) => [issue.code, issue.path]),
      [['unrecognized_keys', []]],
    );
  });

  it('register on the cluster queue only the activities a workflow schedules', () => {
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'baton-settings-')), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'c',
      }),
    );
    const zones = zoneActivities({ taskQueuePrefix: 'baton', serve: ['cluster'], kubeconfig });
    assert.deepEqual(Object.keys(zones), ['cluster']);
    assert.deepEqual(Object.keys(zones.cluster ?? {}).sort(), ['deleteResources', 'findOrphans', 'preflight']);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { ArgoCdClient } from '../../src/activities/argocd/index.js';
import { commitFiles } from '../../src/sandbox/index.js';
import { applicationName, appProjectName } from '../../src/spec/names.js';
import type { LifecycleState } from '../../src/workflows/state.js';
import { startE2eRun, type E2eRun } from '../support/e2eRun.js';
import { emptyClusterSandbox, type EmptyClusterSandbox } from '../support/sandbox.js';
import { toolPath } from '../support/tools.js';

const exec = promisify(execFile);

const platform = 'applied';
const environment = 'e2e';
const workflowId = `baton/${platform}/${environment}`;
const prefix = 'apply-e2e';

let sandbox: EmptyClusterSandbox;
let run: E2eRun;
let dir: string;

const configMap = (name: string, data: Record<string, string>) =>
  stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

/** The platform's Git content: plain manifests for most stacks, a one-template Helm chart for the one whose values change. */
const gitFiles = [
  { path: 'apply/base/base.yaml', content: configMap('base', { role: 'base' }) },
  { path: 'apply/steady/steady.yaml', content: configMap('steady', { role: 'untouched' }) },
  { path: 'apply/legacy/legacy.yaml', content: configMap('legacy', { role: 'removed' }) },
  { path: 'apply/extra/extra.yaml', content: configMap('extra', { role: 'added' }) },
  { path: 'apply/greeting/Chart.yaml', content: stringify({ apiVersion: 'v2', name: 'greeting', version: '0.1.0' }) },
  { path: 'apply/greeting/values.yaml', content: stringify({ greeting: 'hello' }) },
  {
    path: 'apply/greeting/templates/greeting.yaml',
    content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
  },
];

type Stack = { name: string; dependsOn?: string[]; [field: string]: unknown };

const greeter = (greeting: string): Stack => ({
  name: 'greeter',
  dependsOn: ['base'],
  source: { path: 'apply/greeting', helm: { valuesObject: { greeting } } },
});
const stack = (name: string, dependsOn: string[] = []): Stack => ({ name, path: `apply/${name}`, dependsOn });
const firstStacks = [stack('base'), greeter('hello'), stack('legacy'), stack('steady', ['base'])];
const changedStacks = [stack('base'), greeter('bonjour'), stack('steady', ['base']), stack('extra', ['greeter'])];

function document(stacks: Stack[], name = platform) {
  return {
    apiVersion: 'baton/v1alpha1',
    kind: 'Platform',
    metadata: { name },
    spec: {
      source: { repoURL: sandbox.status.git.url, targetRevision: 'main' },
      defaults: { healthTimeout: '2m', retry: { maximumAttempts: 1 } },
      stacks,
    },
  };
}

async function specFile(name: string, stacks: Stack[], platformName = platform): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, stringify(document(stacks, platformName)));
  return file;
}

const baton = (...args: string[]) => run.baton(...args);
const state = () => run.state(workflowId);
const stateWhen = (predicate: (s: LifecycleState) => boolean, limitMs: number) => run.stateWhen(workflowId, predicate, limitMs);
const statuses = (s: LifecycleState) => Object.fromEntries(s.stacks.map((stack) => [stack.name, stack.status]));

/** How many syncs Argo CD has recorded for each stack's Application. */
async function syncCounts(names: string[]): Promise<Record<string, number>> {
  const { url, passwordFile } = sandbox.status.argocd;
  const client = new ArgoCdClient({ url, credentials: { username: 'admin', passwordFile } });
  const counts: Record<string, number> = {};
  for (const name of names) {
    const app = await client.getApplication(appProjectName(platform, environment), applicationName(platform, environment, name));
    counts[name] = app?.status?.history?.length ?? 0;
  }
  return counts;
}

/** The applySpec update through the temporal CLI, as docs/day-2-changes.md shows it; rejects with what the run answered. */
async function temporalApply(stacks: Stack[], name = platform): Promise<string> {
  const input = JSON.stringify({ spec: document(stacks, name), requestedBy: 'e2e', reason: 'a change the run refuses' });
  const args = ['workflow', 'update', 'execute', '--address', sandbox.status.temporal.address, '--workflow-id', workflowId];
  try {
    await exec(toolPath('temporal'), [...args, '--name', 'applySpec', '--input', input], { timeout: 60_000 });
  } catch (err) {
    return `${(err as { stderr?: string }).stderr ?? ''}${(err as { stdout?: string }).stdout ?? ''}`;
  }
  throw new Error('the run accepted a change it should have refused');
}

/** What a refused change must leave as it was. */
const recorded = (s: LifecycleState) => ({ phase: s.phase, authority: s.authority, stacks: s.stacks, ledger: s.ledger, change: s.change });

describe('day-2 changes to a running platform on a sandbox with real Argo CD', { concurrency: false, timeout: 900_000 }, () => {
  before(async () => {
    sandbox = await emptyClusterSandbox();
    run = await startE2eRun(sandbox, prefix);
    dir = await mkdtemp(join(tmpdir(), 'baton-apply-'));
    await commitFiles(sandbox.status.git.path, gitFiles, 'The applied platform');
    await baton('deploy', await specFile('first', firstStacks), '--env', environment, '--task-queue-prefix', prefix);
    const steady = await stateWhen((s) => s.phase.number === 3 || s.waitingFor !== null, 600_000);
    assert.equal(steady.phase.number, 3, JSON.stringify(steady, null, 2));
  });

  after(async () => {
    await run?.stop();
    await sandbox?.remove();
  });

  it('plan --against shows the change; apply adds, changes and removes stacks and leaves the others alone', async () => {
    const file = await specFile('changed', changedStacks);
    const planned = await baton('plan', file, '--against', workflowId);
    assert.match(planned, /1 to add, 1 to change, 1 to remove, 2 untouched/);
    assert.match(planned, /change {5}greeter {2}values/);
    const syncsBefore = await syncCounts(['base', 'steady']);

    const applied = await baton('apply', file, '--env', environment, '--reason', 'greet in French, extra in, legacy out', '--wait');
    assert.match(applied, /change accepted/);
    assert.match(applied, /change by \S+: applied \(1 to add, 1 to change, 1 to remove, 2 untouched\)/);
    const done = await state();
    assert.equal(done.phase.number, 3, JSON.stringify(done, null, 2));
    assert.equal(done.authority.platform, 'deployment');
    assert.deepEqual(statuses(done), { base: 'healthy', greeter: 'healthy', steady: 'healthy', extra: 'healthy' });
    assert.deepEqual(done.change?.plan, { added: ['extra'], changed: ['greeter'], removed: ['legacy'], untouched: ['base', 'steady'] });

    assert.deepEqual(await syncCounts(['base', 'steady']), syncsBefore, 'the untouched stacks were not synced again');
    assert.equal(await run.kubectl('get', 'configmap', 'greeting', '-n', 'greeter', '-o', 'jsonpath={.data.greeting}'), 'bonjour');
    assert.equal(await run.kubectl('get', 'configmap', 'extra', '-n', 'extra', '-o', 'jsonpath={.data.role}'), 'added');
    assert.equal((await run.kubectl('get', 'configmap', 'legacy', '-n', 'legacy', '--ignore-not-found', '-o', 'name')).trim(), '');

    const report = await baton('report', workflowId);
    // The Day-2 changes row (the handoff rows carry the reason too).
    const row = report.split('\n').find((line) => line.includes('| greet in French, extra in, legacy out | applied |'));
    assert.ok(row, report);
    assert.match(row, /\| applied \| extra \| greeter \| legacy \| deployment -&gt; orchestration; orchestration -&gt; deployment \|$/);
  });

  it('refuses a cycle, removing a stack another depends on and another platform, and leaves the state as it was', async () => {
    const before_ = recorded(await state());
    const cycle = [{ ...stack('base'), dependsOn: ['steady'] }, ...changedStacks.slice(1)];
    assert.match(await temporalApply(cycle), /dependency cycle/);
    assert.match(await temporalApply(changedStacks.filter((s) => s.name !== 'base')), /depends on/);
    assert.match(await temporalApply(changedStacks, 'other'), /platform other/);
    await assert.rejects(baton('plan', await specFile('other', changedStacks, 'other'), '--against', workflowId), /platform other/);
    assert.deepEqual(recorded(await state()), before_);
  });

  it('a new stack that fails parks the run; the fix committed to Git and resume complete the change', async () => {
    const file = await specFile('broken', [...changedStacks, stack('late', ['base'])]);
    await assert.rejects(baton('apply', file, '--env', environment, '--wait'), /the change did not complete[\s\S]*baton resume/);
    const parked = await state();
    assert.equal(parked.phase.number, 2, JSON.stringify(parked, null, 2));
    assert.equal(parked.change?.status, 'failed');
    assert.equal(statuses(parked).late, 'failed');
    assert.match(parked.waitingFor ?? '', /resume/);

    await commitFiles(
      sandbox.status.git.path,
      [{ path: 'apply/late/late.yaml', content: configMap('late', { role: 'fixed' }) }],
      'Add late',
    );
    await baton('resume', workflowId, '--reason', 'late is in Git now');
    const steady = await stateWhen((s) => s.phase.number === 3 || s.error !== null, 300_000);
    assert.equal(steady.phase.number, 3, JSON.stringify(steady, null, 2));
    assert.equal(steady.change?.status, 'applied');
    assert.equal(await run.kubectl('get', 'configmap', 'late', '-n', 'late', '-o', 'jsonpath={.data.role}'), 'fixed');
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { changedParts, renderSpecChange } from '../../src/cli/specChangeText.js';
import { resolveStacks } from '../../src/spec/resolve.js';
import type { PlatformSpec } from '../../src/spec/schema.js';
import { planSpecChange } from '../../src/spec/specChange.js';
import { validatePlatformSpec } from '../../src/spec/validate.js';
import { platformDocument, randomDag } from '../support/specs.js';
import { repoRoot } from '../support/tools.js';
import { maxStacks } from '../../src/spec/limits.js';

const dir = mkdtempSync(`${tmpdir()}/baton-cli-`);

function baton(...args: string[]) {
  const run = spawnSync(process.execPath, [`${repoRoot}bin/baton.js`, ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function specFile(name: string, stacks: { name: string; dependsOn?: string[] }[]): string {
  const file = `${dir}/${name}.yaml`;
  writeFileSync(file, stringify(platformDocument(name, stacks)));
  return file;
}

function specOf(document: unknown): PlatformSpec {
  const result = validatePlatformSpec(document);
  assert.ok(result.ok, JSON.stringify(result));
  return result.spec;
}

const parsed = (name: string, stacks: { name: string; dependsOn?: string[] }[]) => specOf(platformDocument(name, stacks));

describe('baton validate and plan (the CLI contract)', () => {
  const peers = specFile('peers', [{ name: 'a' }, { name: 'b' }, { name: 'c', dependsOn: ['a', 'b'] }]);

  it('validate prints a one-line summary and exits 0', () => {
    const run = baton('validate', peers);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim().split('\n').length, 1);
    assert.match(run.stdout, /platform peers is valid: 3 stacks, 2 dependencies, 2 levels/);
  });

  it('validate lists every problem with its path on stderr, without a stack trace', () => {
    const bad = specFile('bad', [
      { name: 'a', dependsOn: ['c'] },
      { name: 'b', dependsOn: ['zz'] },
      { name: 'c', dependsOn: ['a'] },
    ]);
    const run = baton('validate', bad);
    assert.notEqual(run.code, 0);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /spec\.stacks\[1\] \(b\)\.dependsOn\[0\]: depends on "zz"/);
    assert.match(run.stderr, /spec\.stacks\[0\] \(a\)\.dependsOn\[0\]: dependency cycle: a -> c -> a/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('plan --json prints platform, order, levels and teardownOrder', () => {
    const run = baton('plan', peers, '--json');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      platform: 'peers',
      order: ['a', 'b', 'c'],
      levels: [['a', 'b'], ['c']],
      teardownOrder: ['c', 'b', 'a'],
    });
  });

  it('plan prints levels for people and the graph as Mermaid', () => {
    assert.match(baton('plan', peers).stdout, /Level 1:\n {2}- c {2}\(after a, b\)/);
    assert.match(baton('plan', peers, '--mermaid').stdout, /^flowchart LR\n[\s\S]*a --> c\n {2}b --> c/);
  });

  // The most stacks a run takes (src/spec/limits.ts); more are refused, naming the limit (test/unit/specLimits.test.ts).
  it(`plans a ${maxStacks}-stack DAG`, () => {
    const big = specFile('big', randomDag(maxStacks, 3, 11));
    const run = baton('plan', big, '--json');
    assert.equal(run.code, 0, run.stderr);
    const plan = JSON.parse(run.stdout) as { order: string[]; levels: string[][]; teardownOrder: string[] };
    assert.equal(plan.order.length, maxStacks);
    assert.equal(plan.levels.flat().length, maxStacks);
    assert.deepEqual([...plan.teardownOrder].reverse(), plan.order);
  });

  it('fails clearly on a missing file, bad arguments and conflicting options', () => {
    const missing = baton('validate', `${dir}/nope.yaml`);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /nope\.yaml: \(document\): cannot read the file: ENOENT/);
    const noFile = baton('plan');
    assert.notEqual(noFile.code, 0);
    assert.match(noFile.stderr, /missing required argument 'file'/);
    const both = baton('plan', peers, '--json', '--mermaid');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /choose one of --json and --mermaid/);
  });

  it('deploy, up and apply refuse an environment the spec does not declare, naming the ones it does', () => {
    const file = `${dir}/environments.yaml`;
    const document = platformDocument('envs', [{ name: 'a' }]);
    writeFileSync(
      file,
      stringify({ ...document, spec: { ...document.spec, environments: [{ name: 'dev', namespaceSuffix: '-dev' }, { name: 'prod' }] } }),
    );
    // up refuses it before it builds or starts anything; apply before it asks the run anything.
    for (const command of ['deploy', 'up', 'apply']) {
      const run = baton(command, file, '--env', 'staging');
      assert.equal(run.code, 2, `${command}: ${run.stderr}`);
      assert.equal(
        run.stderr.trim(),
        `${file}: platform envs has no environment "staging": its spec.environments declares dev, prod; deploy to one of those, or declare staging there`,
      );
      assert.equal(run.stdout, '', command);
    }
  });

  it('schema prints the JSON Schema of the spec', () => {
    const schema = JSON.parse(baton('schema').stdout) as { properties: Record<string, unknown> };
    assert.ok(schema.properties.spec && schema.properties.metadata);
  });
});

describe('baton plan --against and apply (day-2 changes)', () => {
  const current = parsed('shop', [
    { name: 'crds' },
    { name: 'db', dependsOn: ['crds'] },
    { name: 'api', dependsOn: ['db'] },
    { name: 'old' },
  ]);

  it('prints what an apply does, in the order the run does it, and which part of a changed stack differs', () => {
    const document = platformDocument('shop', [
      { name: 'crds' },
      { name: 'db', dependsOn: ['crds'] },
      { name: 'api', dependsOn: ['db'] },
      { name: 'search', dependsOn: ['crds'] },
    ]);
    const stacks = document.spec.stacks as Record<string, unknown>[];
    stacks[1] = { ...stacks[1], source: { helm: { valuesObject: { replicas: 2 } } }, sync: { prune: false } };
    const next = specOf(document);
    const text = renderSpecChange(planSpecChange(current, next, 'dev'), current, next, 'dev');
    assert.equal(
      text,
      [
        'Platform shop in dev: 1 to add, 1 to change, 1 to remove, 2 untouched',
        '',
        '  ACTION     STACK   WHAT CHANGES',
        '  add        search',
        '  change     db      values, sync',
        '  remove     old',
        '  untouched  crds',
        '  untouched  api',
      ].join('\n'),
    );
  });

  it('names a moved source, a new namespace and a new health gate', () => {
    const document = platformDocument('shop', [{ name: 'crds' }, { name: 'db', dependsOn: ['crds'] }]);
    const stacks = document.spec.stacks as Record<string, unknown>[];
    stacks[0] = { ...stacks[0], path: 'stacks/crds-v2', namespace: 'crd-system', healthTimeout: '7m' };
    const [before, after] = [resolveStacks(current, 'dev')[0]!, resolveStacks(specOf(document), 'dev')[0]!];
    assert.deepEqual(changedParts(before, after), ['source', 'namespace', 'health gate']);
  });

  it('refuses conflicting options before it reaches Temporal', () => {
    const file = specFile('shop', [{ name: 'crds' }]);
    const repoAlone = baton('plan', file, '--repo-url', 'git://127.0.0.1/x.git');
    assert.equal(repoAlone.code, 2);
    assert.match(repoAlone.stderr, /--repo-url goes with --against/);
    const againstJson = baton('plan', file, '--against', 'shop/dev', '--json');
    assert.equal(againstJson.code, 2);
    assert.match(againstJson.stderr, /--against prints a table; leave out --json and --mermaid/);
    const invalid = specFile('cycle', [
      { name: 'a', dependsOn: ['b'] },
      { name: 'b', dependsOn: ['a'] },
    ]);
    const cycle = baton('apply', invalid, '--env', 'dev');
    assert.equal(cycle.code, 1);
    assert.match(cycle.stderr, /cycle\.yaml:\d+: .*dependency cycle: a -> b -> a/);
  });
});

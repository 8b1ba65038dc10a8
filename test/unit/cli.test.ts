import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { platformDocument, randomDag } from '../support/specs.js';
import { repoRoot } from '../support/tools.js';

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

  it('plans a 10,000-stack DAG', () => {
    const big = specFile('big', randomDag(10_000, 3, 11));
    const run = baton('plan', big, '--json');
    assert.equal(run.code, 0, run.stderr);
    const plan = JSON.parse(run.stdout) as { order: string[]; levels: string[][]; teardownOrder: string[] };
    assert.equal(plan.order.length, 10_000);
    assert.equal(plan.levels.flat().length, 10_000);
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

  it('deploy and up refuse an environment the spec does not declare, naming the ones it does', () => {
    const file = `${dir}/environments.yaml`;
    const document = platformDocument('envs', [{ name: 'a' }]);
    writeFileSync(file, stringify({ ...document, spec: { ...document.spec, environments: [{ name: 'dev' }, { name: 'prod' }] } }));
    // up refuses it before it builds or starts anything.
    for (const command of ['deploy', 'up']) {
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

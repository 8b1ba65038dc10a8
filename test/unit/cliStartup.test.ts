import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/tools.js';

/** A module hook that appends the URL of every module Node loads to the file BATON_MODULE_LOG names. */
const logHook = `data:text/javascript,${encodeURIComponent(
  "import { appendFileSync } from 'node:fs'; export async function load(url, context, next) { appendFileSync(process.env.BATON_MODULE_LOG, url + '\\n'); return next(url, context); }",
)}`;
const registerLogHook = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(logHook)});`)}`;

/** The modules `node bin/baton.js ARGS` loads, as URLs. */
function modulesLoadedBy(...args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'baton-modules-'));
  const log = join(dir, 'modules.log');
  try {
    const run = spawnSync(process.execPath, ['--import', registerLogHook, `${repoRoot}bin/baton.js`, ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, BATON_MODULE_LOG: log },
    });
    assert.equal(run.status, 0, run.stderr);
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What only the commands that talk to Temporal, a cluster or Argo CD need. */
const clientCode = [/\/node_modules\/@temporalio\//, /\/node_modules\/@kubernetes\//, /\/activities\/argocd\//];

describe('the CLI starts without the client code it does not use', () => {
  for (const args of [
    ['--help'],
    ['validate', 'manifests/examples/demo.yaml'],
    ['plan', '--json', 'manifests/examples/demo.yaml'],
    ['schema'],
  ]) {
    it(`baton ${args.join(' ')} loads no Temporal, Kubernetes or Argo CD client`, () => {
      const loaded = modulesLoadedBy(...args);
      assert.ok(
        loaded.some((url) => url.includes('/node_modules/commander/')),
        'the module log records what the CLI loads',
      );
      assert.deepEqual(
        loaded.filter((url) => clientCode.some((pattern) => pattern.test(url))),
        [],
      );
    });
  }
});

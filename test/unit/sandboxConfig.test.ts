import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxConfig, shiftedPorts } from '../../src/sandbox/index.js';
import { sandboxEnv } from '../../src/sandbox/config.js';
import { sandboxParts, startedBy } from '../../src/sandbox/parts/index.js';

describe('sandbox configuration', () => {
  it('gives a child process the same configuration through its environment', () => {
    const config = sandboxConfig({
      ...shiftedPorts(20_000),
      BATON_SANDBOX_DIR: '/tmp/elsewhere',
      BATON_SANDBOX_NODES: '5',
      BATON_SANDBOX_ARGOCD: 'bootstrap',
    });
    assert.deepEqual(sandboxConfig(sandboxEnv(config)), config);
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

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { defaultPlaybookDir } from '../../src/activities/ansible/settings.js';

const run = promisify(execFile);
const playbooks = ['bootstrap.yml', 'rotate-credentials.yml', 'teardown.yml'];
const env = { ...process.env, ANSIBLE_CONFIG: join(defaultPlaybookDir, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1', NO_COLOR: '1' };

describe('the bootstrap layer playbooks', () => {
  for (const playbook of playbooks) {
    it(`${playbook} passes ansible-playbook --syntax-check`, { timeout: 60_000 }, async () => {
      const { stdout } = await run(
        'ansible-playbook',
        ['--syntax-check', playbook, '-e', 'baton_platform=demo', '-e', 'baton_environment=dev'],
        { cwd: defaultPlaybookDir, env },
      );
      assert.match(stdout, new RegExp(`playbook: ${playbook}`));
    });
  }

  it('pass ansible-lint (production profile)', { timeout: 180_000 }, async () => {
    const result = await run('ansible-lint', ['--profile', 'production', ...playbooks], { cwd: defaultPlaybookDir, env }).catch(
      (err: { stdout: string; stderr: string }) => assert.fail(`ansible-lint found problems:\n${err.stdout}\n${err.stderr}`),
    );
    assert.match(result.stderr, /Passed/);
  });
});

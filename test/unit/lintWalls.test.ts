import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

/** Files that exist only in these tests; the type-aware rules check them with the repository's tsconfig. */
const probes = ['src/workflows/probe.ts', 'src/activities/argocd/probe.ts'];
const eslint = new ESLint({
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: probes, defaultProject: 'tsconfig.json' } } },
  },
});

/** Lints a snippet as if it were the given file of the repository, returning the rules it breaks. */
async function brokenRules(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('lint walls', () => {
  it('a child workflow started without await fails lint', async () => {
    const code = [
      "import { executeChild } from '@temporalio/workflow';",
      "import { deployStack } from './deployStack.js';",
      'export async function forgetful(): Promise<void> {',
      "  executeChild(deployStack, { workflowId: 'x', args: [] as never });",
      '}',
      '',
    ].join('\n');
    assert.deepEqual(await brokenRules(probes[0]!, code), ['@typescript-eslint/no-floating-promises']);
  });

  it('workflow code may not import any Node built-in, with or without the node: prefix', async () => {
    for (const module of ['fs/promises', 'node:timers', 'worker_threads', 'dns']) {
      const code = `import * as m from '${module}';\nexport const used = m;\n`;
      assert.deepEqual(await brokenRules(probes[0]!, code), ['no-restricted-imports'], module);
    }
  });

  it('the argocd zone may not import the Kubernetes client', async () => {
    const code = "import { KubeConfig } from '@kubernetes/client-node';\nexport const kc = new KubeConfig();\n";
    assert.deepEqual(await brokenRules(probes[1]!, code), ['no-restricted-imports']);
  });
});

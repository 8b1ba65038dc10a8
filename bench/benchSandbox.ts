import { join } from 'node:path';
import { repoRoot } from '../src/sandbox/config.js';
import { sandboxConfig, sandboxDown, sandboxUp, shiftedPorts, type SandboxConfig, type SandboxStatus } from '../src/sandbox/index.js';
import { portShifts } from '../test/support/sandbox.js';

/**
 * The bench's own sandbox: .baton/bench-sandbox, its ports moved by portShifts.integration.bench, Argo CD
 * preinstalled. Never the demo's .baton/sandbox nor the tests' sandbox, whose load would be measured too.
 */
export const benchSandboxEnv: Record<string, string> = {
  ...shiftedPorts(portShifts.integration.bench),
  BATON_SANDBOX_DIR: join(repoRoot, '.baton/bench-sandbox'),
  BATON_SANDBOX_ARGOCD: 'preinstalled',
};

export interface BenchSandbox {
  config: SandboxConfig;
  /** The environment that names it, for the worker process. */
  env: NodeJS.ProcessEnv;
  status: SandboxStatus;
  down(): Promise<void>;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

export async function benchSandbox(): Promise<BenchSandbox> {
  const env = { ...process.env, ...benchSandboxEnv };
  const config = sandboxConfig(env);
  const status = await sandboxUp(config, progress);
  return { config, env, status, down: async () => void (await sandboxDown(config, progress)) };
}

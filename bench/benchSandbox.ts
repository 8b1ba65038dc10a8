import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { argoCdOwnAppResyncSeconds, repoRoot } from '../src/sandbox/config.js';
import { sandboxConfig, sandboxDown, sandboxUp, shiftedPorts, type SandboxConfig, type SandboxStatus } from '../src/sandbox/index.js';
import { portShifts } from '../test/support/sandbox.js';

export interface BenchSandbox {
  config: SandboxConfig;
  /** The environment that names it, for the worker process. */
  env: NodeJS.ProcessEnv;
  status: SandboxStatus;
  down(): Promise<void>;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

/**
 * A sandbox of its own for a measurement: .baton/<folder>, its ports moved by `portShift`, Argo CD preinstalled.
 * Never the demo's .baton/sandbox nor the tests' sandbox, whose load would be measured too. Its state stays for the
 * next up, unless `fresh` starts it from nothing.
 */
export async function measurementSandbox(
  folder: string,
  portShift: number,
  options: { fresh?: boolean; appResyncSeconds?: number } = {},
): Promise<BenchSandbox> {
  const env = {
    ...process.env,
    ...shiftedPorts(portShift),
    BATON_SANDBOX_DIR: join(repoRoot, '.baton', folder),
    BATON_SANDBOX_ARGOCD: 'preinstalled',
    ...(options.appResyncSeconds ? { BATON_SANDBOX_APP_RESYNC_SECONDS: String(options.appResyncSeconds) } : {}),
  };
  const config = sandboxConfig(env);
  if (options.fresh) {
    // Nothing of an earlier run (its workflows, Applications, a stuck run on the same task queues) may join this one.
    await sandboxDown(config, progress);
    await rm(config.stateDir, { recursive: true, force: true });
  }
  const status = await sandboxUp(config, progress);
  return { config, env, status, down: async () => void (await sandboxDown(config, progress)) };
}

/**
 * The bench's sandbox: .baton/bench-sandbox, its ports moved by portShifts.integration.bench, with Argo CD's own
 * resync period. The sandbox's 10 s, chosen for the tests, makes the controller compare every Application every
 * 10 s: at 1,000 Applications that alone kept 2 cores busy and slowed both sides.
 */
export const benchSandbox = (): Promise<BenchSandbox> =>
  measurementSandbox('bench-sandbox', portShifts.integration.bench, { appResyncSeconds: argoCdOwnAppResyncSeconds });

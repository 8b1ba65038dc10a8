import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  sandboxConfig,
  sandboxDown,
  sandboxStatus,
  sandboxUp,
  shiftedPorts,
  type SandboxConfig,
  type SandboxStatus,
} from '../../src/sandbox/index.js';
import { repoRoot } from './tools.js';

/**
 * The integration tests' own sandbox: .baton/test-sandbox, every port moved by 2000, Argo CD preinstalled.
 * Not the demo's .baton/sandbox: `baton up` makes that one in the bootstrap mode, where Argo CD is gone
 * after a teardown, and the tests must neither depend on what a demo left nor change it.
 */
export const integrationSandboxEnv: Record<string, string> = {
  ...shiftedPorts(2_000),
  BATON_SANDBOX_DIR: join(repoRoot, '.baton/test-sandbox'),
  BATON_SANDBOX_ARGOCD: 'preinstalled',
};

let running: Promise<SandboxStatus> | undefined;

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function integrationSandboxConfig(): SandboxConfig {
  return sandboxConfig({ ...process.env, ...integrationSandboxEnv });
}

/**
 * The integration tests' sandbox, reused when it runs and is healthy, started otherwise (its Argo CD
 * objects applied again if something removed them). A missing binary fails the test with the command
 * that builds it. Once per test process.
 */
export function sandbox(): Promise<SandboxStatus> {
  running ??= sandboxUp(integrationSandboxConfig(), progress);
  return running;
}

/** Stops every part of the integration tests' sandbox; its state stays for the next up. */
export async function stopSandbox(): Promise<void> {
  await sandboxDown(integrationSandboxConfig(), progress);
}

/** A sandbox of a test's own whose cluster starts without any Argo CD object, and how to remove it. */
export interface EmptyClusterSandbox {
  /** The environment that names it (ports, state folder, Argo CD mode), for the baton CLI and sandbox functions. */
  env: NodeJS.ProcessEnv;
  config: SandboxConfig;
  status: SandboxStatus;
  /** Polls until Argo CD's API answers with `expected` (null: does not answer); the last version seen. */
  argoCdVersionWithin(limitMs: number, expected: string | null): Promise<string | null>;
  /** Stops every part and deletes its state folder. */
  remove(): Promise<void>;
}

/**
 * A sandbox of a test's own (every port moved by 12000, state in a temporary folder) in the bootstrap Argo CD
 * mode: phase 1 installs Argo CD into an empty cluster, and teardown can be compared with that cluster.
 */
export async function emptyClusterSandbox(): Promise<EmptyClusterSandbox> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...shiftedPorts(12_000),
    BATON_SANDBOX_ARGOCD: 'bootstrap',
    BATON_SANDBOX_DIR: await mkdtemp(join(tmpdir(), 'baton-empty-')),
  };
  const config = sandboxConfig(env);
  const status = await sandboxUp(config, progress);
  return {
    env,
    config,
    status,
    argoCdVersionWithin: async (limitMs, expected) => {
      const deadline = Date.now() + limitMs;
      let version = (await sandboxStatus(config)).argocd.version;
      while (version !== expected && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        version = (await sandboxStatus(config)).argocd.version;
      }
      return version;
    },
    remove: async () => {
      await sandboxDown(config);
      await rm(config.stateDir, { recursive: true, force: true });
    },
  };
}

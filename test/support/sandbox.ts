import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  sandboxConfig,
  sandboxDown,
  sandboxStatus,
  sandboxUp,
  shiftedPorts,
  type ArgoCdMode,
  type SandboxConfig,
  type SandboxStatus,
} from '../../src/sandbox/index.js';
import { repoRoot } from './tools.js';

/**
 * Every port shift of the tests' sandboxes, in one place. The end-to-end shifts' ports never meet the others'
 * (nor the integration sandbox's, which runs throughout), so the two groups may run side by side; no shift's
 * ports meet the demo's sandbox (no shift), which `make demo` leaves running before `make test`:
 * test/unit/testPortShifts.test.ts checks it. Within a group files go one at a time and may share a shift.
 */
export const portShifts = {
  integrationSandbox: 2_000,
  endToEnd: { emptyCluster: 12_000, multiCluster: 10_500, promotion: 13_250 },
  integration: {
    emptyCluster: 6_750,
    multiCluster: 8_250,
    spokeHub: 4_500,
    spokeOnly: 5_750,
    sandboxLifecycle: 10_000,
    bench: 8_750,
    drill: 7_250,
    /** The drill without --quick: it runs for hours, so its ports meet no other sandbox's and `make test` may run beside it. */
    fullDrill: 2_500,
  },
} as const;

/**
 * The integration tests' own sandbox: .baton/test-sandbox, every port moved by 2000, Argo CD preinstalled.
 * Not the demo's .baton/sandbox: `baton up` makes that one in the bootstrap mode, where Argo CD is gone
 * after a teardown, and the tests must neither depend on what a demo left nor change it.
 */
export const integrationSandboxEnv: Record<string, string> = {
  ...shiftedPorts(portShifts.integrationSandbox),
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

/** A sandbox of a test's own, and how to remove it. */
export interface OwnSandbox {
  /** The environment that names it (ports, state folder, Argo CD mode), for the baton CLI and sandbox functions. */
  env: NodeJS.ProcessEnv;
  config: SandboxConfig;
  status: SandboxStatus;
  /** Polls until Argo CD's API answers with `expected` (null: does not answer); the last version seen. */
  argoCdVersionWithin(limitMs: number, expected: string | null): Promise<string | null>;
  /** Stops every part and deletes its state folder. */
  remove(): Promise<void>;
}

/** A sandbox of a test's own whose cluster starts without any Argo CD object. */
export type EmptyClusterSandbox = OwnSandbox;

/** Brings up the sandbox this environment names and hands it over. */
async function ownSandbox(env: NodeJS.ProcessEnv): Promise<OwnSandbox> {
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

/**
 * A sandbox of a test's own (every port moved by the end-to-end shift unless told otherwise, state in a temporary folder) in the
 * bootstrap Argo CD mode: phase 1 installs Argo CD into an empty cluster, and teardown can be compared with that cluster.
 */
export async function emptyClusterSandbox(portShift: number = portShifts.endToEnd.emptyCluster): Promise<EmptyClusterSandbox> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...shiftedPorts(portShift),
    BATON_SANDBOX_ARGOCD: 'bootstrap',
    BATON_SANDBOX_DIR: await mkdtemp(join(tmpdir(), 'baton-empty-')),
  };
  return ownSandbox(env);
}

/**
 * A sandbox of a test's own with these clusters (every port moved by the end-to-end shift unless told otherwise, state in a temporary folder): the first
 * is the hub, where Argo CD runs (in-cluster to it), each other one a control plane of its own on the hub's cluster
 * ports + 100 * i. The clusters' kubeconfigs and API servers are in `status.clusters`. `argocdMode` bootstrap: the
 * hub starts without Argo CD, as in emptyClusterSandbox.
 */
export async function multiClusterSandbox(
  clusters: string[],
  argocdMode: ArgoCdMode = 'preinstalled',
  portShift: number = portShifts.endToEnd.multiCluster,
): Promise<OwnSandbox> {
  return ownSandbox({
    ...process.env,
    ...shiftedPorts(portShift),
    BATON_SANDBOX_ARGOCD: argocdMode,
    BATON_SANDBOX_CLUSTERS: clusters.join(','),
    BATON_SANDBOX_DIR: await mkdtemp(join(tmpdir(), 'baton-clusters-')),
  });
}

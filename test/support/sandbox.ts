import { sandboxConfig, sandboxUp, type SandboxStatus } from '../../src/sandbox/index.js';

let running: Promise<SandboxStatus> | undefined;

/**
 * The real sandbox (.baton/sandbox, or BATON_SANDBOX_DIR): reused when it runs and is healthy, started
 * otherwise. A missing binary fails the test with the command that builds it. Once per test process.
 */
export function sandbox(): Promise<SandboxStatus> {
  running ??= sandboxUp(sandboxConfig(), (line) => process.stderr.write(`${line}\n`));
  return running;
}

/**
 * Brings the sandbox back after a test removed what it installs for its own Argo CD (a bootstrap
 * teardown deletes Argo CD's CRDs and configuration): re-applies them and restarts what went unhealthy.
 */
export function restoreSandbox(): Promise<SandboxStatus> {
  running = sandboxUp(sandboxConfig(), (line) => process.stderr.write(`${line}\n`));
  return running;
}

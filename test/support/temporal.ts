import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { installRuntimeLogger } from '../../src/worker/runtime.js';
import { searchAttributeKeys } from '../../src/workflows/searchAttributes.js';
import { workflowsPath } from '../../src/worker/workflowsPath.js';
import { toolPath } from './tools.js';

/**
 * The real Temporal dev server: the one at TEMPORAL_ADDRESS when set (the test command's
 * sandbox), otherwise one started from .tools/bin/temporal for this test file.
 */
export async function startTemporal(): Promise<TestWorkflowEnvironment> {
  // Expected failures log warnings; BATON_LOG_LEVEL=INFO shows the runs' progress.
  installRuntimeLogger('ERROR');
  const address = process.env.TEMPORAL_ADDRESS;
  if (address) return TestWorkflowEnvironment.createFromExistingServer({ address, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: toolPath('temporal') },
      ip: '127.0.0.1',
      searchAttributes: searchAttributeKeys,
      extraArgs: ['--log-level', 'error'],
    },
  });
}

let bundle: Promise<WorkflowBundle> | undefined;

/** The workflow bundle, built once per test process. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  return bundle;
}

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

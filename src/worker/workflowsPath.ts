import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';

const here = fileURLToPath(import.meta.url);

/** This is the compiled code in dist/ (`npm run build`), not the sources run through tsx. */
const compiled = extname(here) === '.js';

/** The module the workflow bundle is built from (deterministic code only), in the form that runs. */
export const workflowsPath = join(dirname(here), '../workflows', `index${extname(here)}`);

/** The bundle `npm run build` writes next to the compiled code (dist/workflow-bundle.js). */
export const workflowBundlePath = join(dirname(here), '../workflow-bundle.js');

/**
 * The current workflow code for a worker or a replay: compiled, the bundle `npm run build` made, as the
 * production sample of samples-typescript loads it (no webpack at start); from the sources, bundled then.
 */
export const currentWorkflowCode = compiled ? { workflowBundle: { codePath: workflowBundlePath } } : { workflowsPath };

/**
 * The workflow code for a data converter: a failure converter of its own runs inside the workflow code too, so
 * then the code is bundled at start with it (the bundle `npm run build` made has the SDK's).
 */
export function workflowCodeFor(dataConverter: DataConverter | undefined) {
  return dataConverter?.failureConverterPath ? { workflowsPath } : currentWorkflowCode;
}

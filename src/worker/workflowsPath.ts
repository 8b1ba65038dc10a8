import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** This is the compiled code in dist/ (`npm run build`), not the sources run through tsx. */
export const compiled = extname(here) === '.js';

/** The module the workflow bundle is built from (deterministic code only), in the form that runs. */
export const workflowsPath = join(dirname(here), '../workflows', `index${extname(here)}`);

/** The bundle `npm run build` writes next to the compiled code (dist/workflow-bundle.js). */
export const workflowBundlePath = join(dirname(here), '../workflow-bundle.js');

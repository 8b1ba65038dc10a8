import { fileURLToPath } from 'node:url';

/** The module the workflow bundle is built from (deterministic code only). */
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

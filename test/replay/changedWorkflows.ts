/**
 * The lifecycle workflow with one deliberate change: it sleeps before anything else.
 * Replaying recorded histories against it must fail; that shows the replay check works.
 */
import { sleep } from '@temporalio/workflow';
import { platformLifecycle as recorded } from '../../src/workflows/platformLifecycle.js';

export { bootstrap, deployStack } from '../../src/workflows/index.js';

export async function platformLifecycle(...args: Parameters<typeof recorded>): ReturnType<typeof recorded> {
  await sleep('1s');
  return recorded(...args);
}

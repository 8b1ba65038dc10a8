import type { Client } from '@temporalio/client';
import { stateQuery } from '../workflows/definitions.js';
import { platformLifecycle } from '../workflows/platformLifecycle.js';
import { authorityAttribute, environmentAttribute, phaseAttribute, platformAttribute } from '../workflows/searchAttributes.js';
import type { PlatformRow } from './pages/platforms.js';

/** A run that does not answer its state query this soon (no worker) is listed without its count. */
const countQueryMs = 3000;

/**
 * Every lifecycle run, found through the search attributes; running ones are asked for their healthy/total count,
 * all at once, so runs without a worker cost the page one wait, not one each.
 */
export async function platformRows(client: Client): Promise<PlatformRow[]> {
  const runs = [];
  for await (const run of client.workflow.list({ query: `WorkflowType = '${platformLifecycle.name}'` })) runs.push(run);
  const deadline = Date.now() + countQueryMs;
  return Promise.all(
    runs.map(async (run): Promise<PlatformRow> => {
      const attributes = run.typedSearchAttributes;
      const state =
        run.status.name === 'RUNNING'
          ? await client.withDeadline(deadline, () => client.workflow.getHandle(run.workflowId).query(stateQuery)).catch(() => undefined)
          : undefined;
      return {
        workflowId: run.workflowId,
        platform: attributes.get(platformAttribute) ?? '',
        environment: attributes.get(environmentAttribute) ?? '',
        phase: attributes.get(phaseAttribute) ?? '',
        authority: attributes.get(authorityAttribute) ?? '',
        outcome: run.status.name.toLowerCase(),
        healthy: state ? `${state.stacks.filter((s) => s.status === 'healthy').length}/${state.stacks.length}` : null,
      };
    }),
  );
}

import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { Freight } from '../../promotion/freight.js';
import type { LifecycleState } from '../../workflows/state.js';
import { CliError } from '../errors.js';

/** A freight as `baton freight --json` lists it: where it runs now, and where it passed verification. */
export interface FreightPlacement {
  id: string;
  revision: string;
  createdAt: string;
  deployedIn: string[];
  verifiedIn: string[];
}

export function freightPlacements(freight: Freight[], environments: LifecycleState[]): FreightPlacement[] {
  return freight.map((f) => ({
    id: f.id,
    revision: f.revision,
    createdAt: f.createdAt,
    deployedIn: environments.filter((s) => s.freight?.id === f.id).map((s) => s.environment),
    verifiedIn: environments.filter((s) => s.verifiedFreight.some((v) => v.freight === f.id)).map((s) => s.environment),
  }));
}

/** The states of the platform's open lifecycle runs, one per environment. */
async function environmentStates(client: Client, platform: string): Promise<LifecycleState[]> {
  const [{ platformLifecycle }, { platformAttribute }, { stateQuery }] = await Promise.all([
    import('../../workflows/platformLifecycle.js'),
    import('../../workflows/searchAttributes.js'),
    import('../../workflows/definitions.js'),
  ]);
  const query = `WorkflowType = '${platformLifecycle.name}' AND ${platformAttribute.name} = '${platform}' AND ExecutionStatus = 'Running'`;
  const states: LifecycleState[] = [];
  for await (const run of client.workflow.list({ query })) states.push(await client.workflow.getHandle(run.workflowId).query(stateQuery));
  return states;
}

/** The warehouse's freight with where each runs and passed verification; no warehouse is a CliError saying why. */
export async function platformFreight(client: Client, platform: string): Promise<FreightPlacement[]> {
  const [{ freightQuery }, { warehouseWorkflowId }, { notFound }] = await Promise.all([
    import('../../workflows/promotionDefinitions.js'),
    import('../../promotion/names.js'),
    import('../promotionRun.js'),
  ]);
  const warehouse = warehouseWorkflowId(platform);
  const freight = await client.workflow
    .getHandle(warehouse)
    .query(freightQuery)
    .catch((err: unknown) => {
      if (notFound(err))
        throw new CliError(`no warehouse ${warehouse}: ${platform} has no lifecycle run with promotion settings in phase 3`);
      throw err;
    });
  return freightPlacements(freight, await environmentStates(client, platform));
}

/** freight: what the warehouse found, and where each is deployed and verified. */
export function registerFreightCommand(program: Command): void {
  program
    .command('freight')
    .description("the platform's freight (commits its warehouse found), newest last, with where each is deployed and verified")
    .argument('<platform>', 'platform name (metadata.name)')
    .option('--json', '[{id, revision, createdAt, deployedIn: [env], verifiedIn: [env]}]')
    .action(async (platform: string, options: { json?: boolean }) => {
      const [{ withClient }, { textTable }] = await Promise.all([import('../client.js'), import('../textTable.js')]);
      const placements = await withClient((client) => platformFreight(client, platform));
      if (options.json) return void process.stdout.write(`${JSON.stringify(placements, null, 2)}\n`);
      const rows = placements.map((p) => [p.id, p.revision.slice(0, 12), p.createdAt, p.deployedIn.join(', '), p.verifiedIn.join(', ')]);
      process.stdout.write(`${textTable([['FREIGHT', 'REVISION', 'CREATED', 'DEPLOYED IN', 'VERIFIED IN'], ...rows]).join('\n')}\n`);
    });
}

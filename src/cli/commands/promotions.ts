import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { PromotionState } from '../../promotion/state.js';

/** A promotion as `baton promotions --json` lists it. */
export interface PromotionSummary {
  id: string;
  freight: string;
  revision: string;
  to: string;
  requestedBy: string;
  state: PromotionState['state'];
  approvals: { approver: string; at: string; reason?: string }[];
}

export function promotionSummary(state: PromotionState): PromotionSummary {
  return {
    id: state.id,
    freight: state.freight.id,
    revision: state.freight.revision,
    to: state.environment,
    requestedBy: state.requestedBy,
    state: state.state,
    approvals: state.approvals
      .filter((a) => a.kind === 'approve')
      .map((a) => ({ approver: a.approver, at: a.at, ...(a.reason === undefined ? {} : { reason: a.reason }) })),
  };
}

/** The promotions of a platform (optionally to one environment), oldest first, from the server's visibility store. */
export async function platformPromotions(client: Client, platform: string, environment?: string): Promise<PromotionState[]> {
  const [{ promotion }, { environmentAttribute, platformAttribute }, { promotionState }] = await Promise.all([
    import('../../workflows/promotion.js'),
    import('../../workflows/searchAttributes.js'),
    import('../promotionRun.js'),
  ]);
  const query = [`WorkflowType = '${promotion.name}'`, `${platformAttribute.name} = '${platform}'`];
  if (environment) query.push(`${environmentAttribute.name} = '${environment}'`);
  const ids: { id: string; start: number }[] = [];
  for await (const run of client.workflow.list({ query: query.join(' AND ') }))
    ids.push({ id: run.workflowId, start: run.startTime.getTime() });
  ids.sort((a, b) => a.start - b.start);
  return Promise.all(ids.map(({ id }) => promotionState(client, id)));
}

/** promotions: every promotion of a platform, with its state and approvals. */
export function registerPromotionsCommand(program: Command): void {
  program
    .command('promotions')
    .description('the promotions of a platform: freight, target environment, who asked, state and approvals')
    .argument('<platform>', 'platform name (metadata.name)')
    .option('--json', '[{id, freight, revision, to, requestedBy, state, approvals: [{approver, at, reason}]}]')
    .action(async (platform: string, options: { json?: boolean }) => {
      const [{ withClient }, { promotionLine }] = await Promise.all([import('../client.js'), import('../promotionRun.js')]);
      const states = await withClient((client) => platformPromotions(client, platform));
      if (options.json) process.stdout.write(`${JSON.stringify(states.map(promotionSummary), null, 2)}\n`);
      else if (states.length === 0) process.stdout.write(`no promotions of ${platform}\n`);
      else process.stdout.write(`${states.map(promotionLine).join('\n')}\n`);
    });
}

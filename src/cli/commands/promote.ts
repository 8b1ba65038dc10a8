import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { PromotionState } from '../../promotion/state.js';
import { CliError } from '../errors.js';

interface PromoteOptions {
  to: string;
  revision?: string;
  as?: string;
  wait?: boolean;
}

/** How often `--wait` asks the promotion for its state. */
const followIntervalMs = 1000;

/** Follows a promotion until it is decided, a line per change of state; anything but succeeded exits 1. */
async function followPromotion(id: string): Promise<void> {
  const [{ withClient }, { decided, promotionLine, promotionState }] = await Promise.all([
    import('../client.js'),
    import('../promotionRun.js'),
  ]);
  const final = await withClient(async (client) => {
    let shown = '';
    for (;;) {
      const state: PromotionState = await promotionState(client, id);
      const line = promotionLine(state);
      if (line !== shown) process.stdout.write(`${new Date().toISOString()}  ${line}\n`);
      shown = line;
      if (decided(state)) return state;
      await new Promise((resolve) => setTimeout(resolve, followIntervalMs));
    }
  });
  if (final.state !== 'succeeded') throw new CliError(`promotion ${id} ${final.state}: ${final.message ?? 'no message'}`);
}

/** Asks the platform's warehouse (requestPromotion update) to promote freight to an environment; prints the promotion id. */
async function promote(platform: string, options: PromoteOptions): Promise<void> {
  const [{ refusalMessage, withClient }, { requestPromotionUpdate }, { warehouseWorkflowId }, { notFound }] = await Promise.all([
    import('../client.js'),
    import('../../workflows/promotionDefinitions.js'),
    import('../../promotion/names.js'),
    import('../promotionRun.js'),
  ]);
  const warehouse = warehouseWorkflowId(platform);
  const request = {
    environment: options.to,
    requestedBy: options.as ?? userInfo().username,
    ...(options.revision ? { revision: options.revision } : {}),
  };
  const { promotionId } = await withClient(async (client) => {
    try {
      return await client.workflow.getHandle(warehouse).executeUpdate(requestPromotionUpdate, { args: [request] });
    } catch (err) {
      if (notFound(err))
        throw new CliError(
          `no warehouse ${warehouse}: a lifecycle run of ${platform} whose spec declares promotion settings starts it in phase 3`,
        );
      const refusal = refusalMessage(err);
      if (refusal) throw new CliError(`promotion refused: ${refusal}`);
      throw err;
    }
  });
  process.stdout.write(`${promotionId}\n`);
  if (options.wait) await followPromotion(promotionId);
}

/** promote: freight to an environment on request, behind the environment's gates and approvals. */
export function registerPromoteCommand(program: Command): void {
  program
    .command('promote')
    .description("promote freight to an environment through its gates, approvals and verification; prints the promotion's id")
    .argument('<platform>', 'platform name (metadata.name)')
    .requiredOption('--to <environment>', 'the target environment (one with promotion settings)')
    .option('--revision <rev>', "the commit (or a ref the platform's repository resolves) to promote; default: the newest freight")
    .option('--as <name>', 'who asks, for the record and separation of duties (default: the login name)')
    .option('--wait', 'follow the promotion until it is decided; exits 1 unless it succeeded')
    .action((platform: string, options: PromoteOptions) => promote(platform, options));
}

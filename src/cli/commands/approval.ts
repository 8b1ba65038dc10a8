import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { ApprovalRequest } from '../../promotion/approvals.js';
import type { PromotionState } from '../../promotion/state.js';
import { CliError } from '../errors.js';

interface ApprovalOptions {
  as: string;
  reason?: string;
}

/** What an approver's decision came to: the promotion's state after it, or the policy's refusal. */
export type DecisionAnswer = { state: PromotionState } | { refusal: string };

/**
 * Sends approvePromotion or rejectPromotion as an update with the approver's name; a refusal is the validator's
 * message. `baton approve`/`reject` and the web view's buttons both send through here.
 */
export async function sendDecision(
  client: Client,
  id: string,
  kind: 'approve' | 'reject',
  request: ApprovalRequest,
): Promise<DecisionAnswer> {
  const [
    { refusalMessage },
    { approvePromotionUpdate, rejectPromotionUpdate },
    { notFound, promotionState, withPromotion },
    { approvalRefusal },
  ] = await Promise.all([
    import('../client.js'),
    import('../../workflows/promotionDefinitions.js'),
    import('../promotionRun.js'),
    import('../../promotion/approvals.js'),
  ]);
  return withPromotion(client, id, async (handle) => {
    try {
      return {
        state: await handle.executeUpdate(kind === 'approve' ? approvePromotionUpdate : rejectPromotionUpdate, { args: [request] }),
      };
    } catch (err) {
      // A decided promotion's run has completed, so no validator answers: its final state gives the refusal.
      const refusal = refusalMessage(err) ?? (notFound(err) ? approvalRefusal(await promotionState(client, id), request, kind) : null);
      if (refusal) return { refusal };
      throw err;
    }
  });
}

/** The CLI's side: a refusal exits 1 with the validator's message. */
async function decide(kind: 'approve' | 'reject', argument: string, options: ApprovalOptions): Promise<void> {
  const [{ withClient }, { promotionIdFrom, promotionLine }] = await Promise.all([import('../client.js'), import('../promotionRun.js')]);
  const request = { approver: options.as, ...(options.reason ? { reason: options.reason } : {}) };
  const answer = await withClient((client) => sendDecision(client, promotionIdFrom(argument), kind, request));
  if ('refusal' in answer) throw new CliError(`${kind} refused: ${answer.refusal}`);
  process.stdout.write(`${kind === 'approve' ? 'approved' : 'rejected'} by ${options.as}: ${promotionLine(answer.state)}\n`);
}

/** approve and reject: an approver's decision on a promotion, or on the canary or verification it waits at. */
export function registerApprovalCommands(program: Command): void {
  for (const kind of ['approve', 'reject'] as const)
    program
      .command(kind)
      .description(
        `${kind} a promotion (or the canary pause or inconclusive verification it waits at) as the approvePromotion/rejectPromotion update`,
      )
      .argument('<promotion>', 'promotion id (baton/PLATFORM/promotion/FREIGHT-ENV), as `baton promote` and `baton promotions` print it')
      .requiredOption('--as <name>', "the approver: one of the policy's approvals.from")
      .option('--reason <text>', 'why, for the record')
      .action((promotion: string, options: ApprovalOptions) => decide(kind, promotion, options));
}

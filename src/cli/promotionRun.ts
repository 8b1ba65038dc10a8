import { isGrpcServiceError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { decidedStages, type PromotionState } from '../promotion/state.js';
import { promotionStateQuery } from '../workflows/promotionDefinitions.js';
import { grpcNotFound } from './commands/history.js';
import { CliError } from './errors.js';

/** A promotion id as people type it: `demo/promotion/f-…-prod` is short for `baton/demo/promotion/f-…-prod`. */
export function promotionIdFrom(argument: string): string {
  return argument.startsWith('baton/') ? argument : `baton/${argument}`;
}

/** Whether an error says the workflow is not on the server (the client answers either way, by call). */
export function notFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === grpcNotFound);
}

/** Runs fn against the promotion; a promotion the server does not know is "no promotion <id>". */
export async function withPromotion<T>(client: Client, id: string, fn: (handle: WorkflowHandle) => Promise<T>): Promise<T> {
  try {
    return await fn(client.workflow.getHandle(id));
  } catch (err) {
    if (notFound(err)) throw new CliError(`no promotion ${id}`);
    throw err;
  }
}

/** A promotion's state: its result once it completed (no worker needed), else its `state` query. */
export function promotionState(client: Client, id: string): Promise<PromotionState> {
  return withPromotion(client, id, async (handle) => {
    const { status } = await handle.describe();
    return status.name === 'COMPLETED' ? ((await handle.result()) as PromotionState) : handle.query(promotionStateQuery);
  });
}

export function decided(state: PromotionState): boolean {
  return decidedStages.includes(state.state);
}

/** One line for people: id, freight, target, state and its message. */
export function promotionLine(state: PromotionState): string {
  const approvals = state.approvals.filter((a) => a.kind === 'approve' && a.for === 'promotion').length;
  const required = state.policy.approvals?.required;
  return [
    `${state.id}  ${state.freight.id} (${state.freight.revision.slice(0, 12)}) -> ${state.environment}  ${state.state}`,
    required ? `  approvals ${approvals}/${required}` : '',
    state.waitingFor ? `  waiting for ${state.waitingFor} approval` : '',
    state.message ? `  ${state.message}` : '',
  ].join('');
}

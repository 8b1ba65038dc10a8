import { ServiceError, type WorkflowHandle } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';

/**
 * gRPC codes the server answers a query with while the run cannot answer yet: FAILED_PRECONDITION until a run's
 * first workflow task is scheduled (just after continue-as-new), DEADLINE_EXCEEDED when no worker took the query
 * in time (a busy worker).
 */
const transientQueryCodes = new Set([4, 9]);

function transientQueryFailure(error: unknown): boolean {
  const code = error instanceof ServiceError ? (error.cause as { code?: number } | undefined)?.code : undefined;
  return code !== undefined && transientQueryCodes.has(code);
}

/** Asks a query, again while the run cannot answer yet, for up to `limitMs`; any other failure at once. */
export async function queryWhenReady<T>(handle: WorkflowHandle, query: QueryDefinition<T, []>, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      return await handle.query(query);
    } catch (error) {
      if (!transientQueryFailure(error) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

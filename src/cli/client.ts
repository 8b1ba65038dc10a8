import { Client, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { configuredDataConverter } from '../codec/dataConverter.js';
import { connectClient } from '../worker/connection.js';
import { stateQuery } from '../workflows/definitions.js';
import { describeFailure } from '../workflows/failures.js';
import type { platformLifecycle } from '../workflows/platformLifecycle.js';
import type { LedgerEntry } from '../workflows/state.js';
import { CliError } from './errors.js';
import { defaultToSandboxTemporal } from './sandboxTemporal.js';

/** Runs fn with a client from Temporal's environment configuration, closing the connection after. */
export async function withClient<T>(fn: (client: Client, namespace: string) => Promise<T>): Promise<T> {
  let connected;
  await defaultToSandboxTemporal();
  try {
    connected = await connectClient();
  } catch (err) {
    throw new CliError(
      `cannot reach Temporal at ${process.env.TEMPORAL_ADDRESS ?? 'localhost:7233'}: ${(err as Error).message}\n` +
        'Start the sandbox (`baton sandbox up`; the CLI then finds it) or set TEMPORAL_ADDRESS / TEMPORAL_PROFILE.',
    );
  }
  try {
    const client = new Client({
      connection: connected.connection,
      namespace: connected.namespace,
      dataConverter: configuredDataConverter(),
    });
    return await fn(client, connected.namespace);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new CliError(
        `no run with workflow id ${err.workflowId} in namespace ${connected.namespace} at ${process.env.TEMPORAL_ADDRESS ?? 'localhost:7233'}; ` +
          '`baton deploy FILE --env ENV` starts one',
      );
    }
    throw err;
  } finally {
    await connected.connection.close();
  }
}

/** `demo/dev` is short for the workflow id `baton/demo/dev`. */
export function lifecycleIdFrom(argument: string): string {
  return argument.startsWith('baton/') ? argument : `baton/${argument}`;
}

export function lifecycleHandle(client: Client, id: string): WorkflowHandle<typeof platformLifecycle> {
  return client.workflow.getHandle<typeof platformLifecycle>(lifecycleIdFrom(id));
}

/** How long an open run may take to answer its state query: no worker answers at all when none is running. */
const ledgerQueryMs = 5000;

/**
 * The ledger of a run that is still open, from the run itself: its history records the reasons of the handoffs
 * others ask for (signals), not of the transfers the run makes itself. Says on stderr when the run does not answer.
 */
export async function openRunLedger(id: string): Promise<LedgerEntry[] | undefined> {
  return withClient(async (client) => {
    try {
      const state = await client.withDeadline(Date.now() + ledgerQueryMs, () => lifecycleHandle(client, id).query(stateQuery));
      return state.ledger;
    } catch (err) {
      process.stderr.write(
        `${lifecycleIdFrom(id)} did not answer its state query (${describeFailure(err)}; is a worker running?): the reasons of its own handoffs are not in its history\n`,
      );
      return undefined;
    }
  });
}

/** The message a refused update carries (the workflow's validator says why). */
export function refusalMessage(err: unknown): string | undefined {
  if (err instanceof WorkflowUpdateFailedError && err.cause) return describeFailure(err.cause);
  return undefined;
}

/** Where people can watch a run: BATON_TEMPORAL_UI, else the dev server's UI next to its frontend port. */
export function temporalUiLink(namespace: string, workflowId: string): string {
  const address = process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  const [host, port] = address.split(':');
  const base = process.env.BATON_TEMPORAL_UI ?? `http://${host}:${Number(port ?? 7233) + 1000}`;
  return `${base}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`;
}

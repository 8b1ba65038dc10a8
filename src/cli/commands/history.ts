import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { NamedHistory } from '../../worker/replay.js';
import { CliError } from '../errors.js';

/** A history from a file (an export) or from the server (a workflow id). */
export async function historyOf(idOrFile: string): Promise<NamedHistory> {
  const { readHistoryFile } = await import('../../worker/replay.js');
  if (existsSync(idOrFile)) return readHistoryFile(idOrFile);
  const { lifecycleHandle, lifecycleIdFrom, withClient } = await import('../client.js');
  const id = lifecycleIdFrom(idOrFile);
  return withClient(async (client) => ({ name: id, history: await lifecycleHandle(client, id).fetchHistory() }));
}

/** gRPC's NOT_FOUND: fetching a history answers with the raw service error, not WorkflowNotFoundError. */
export const grpcNotFound = 5;

/**
 * The histories of a workflow id's runs on the server, oldest first: from the latest run back along each
 * continue-as-new, at most `limit` runs. An earlier run the server no longer keeps ends the chain there.
 */
export async function runChainOf(idOrShort: string, limit: number): Promise<[NamedHistory, ...NamedHistory[]]> {
  const { withClient } = await import('../client.js');
  return withClient((client) => runChainWith(client, idOrShort, limit));
}

/** runChainOf with a client the caller holds (the web view keeps one open); payloads decoded by the configured codec. */
export async function runChainWith(client: Client, idOrShort: string, limit: number): Promise<[NamedHistory, ...NamedHistory[]]> {
  const [{ isGrpcServiceError }, { lifecycleHandle, lifecycleIdFrom }, { decodeWithConfiguredCodec }] = await Promise.all([
    import('@temporalio/client'),
    import('../client.js'),
    import('../../codec/decodeHistory.js'),
  ]);
  const id = lifecycleIdFrom(idOrShort);
  const latest: NamedHistory = { name: id, history: await lifecycleHandle(client, id).fetchHistory() };
  const chain: [NamedHistory, ...NamedHistory[]] = [latest];
  for (;;) {
    const runId = chain[0].history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!runId || chain.length >= limit) break;
    try {
      chain.unshift({ name: `${id} run ${runId}`, history: await client.workflow.getHandle(id, runId).fetchHistory() });
    } catch (err) {
      if (isGrpcServiceError(err) && err.code === grpcNotFound) break;
      throw err;
    }
  }
  await decodeWithConfiguredCodec(chain.map(({ history }) => history));
  return chain;
}

/** history and replay: exporting a run, and checking that today's code would take the same path. */
export function registerHistoryCommands(program: Command): void {
  program
    .command('history')
    .description('export the event history of a run as JSON (for replay, reports and incident reviews)')
    .argument('<id>', 'workflow id (baton/PLATFORM/ENV, or PLATFORM/ENV)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (id: string, options: { output?: string }) => {
      const [{ historyToJSON }, { lifecycleIdFrom }] = await Promise.all([
        import('@temporalio/common/lib/proto-utils.js'),
        import('../client.js'),
      ]);
      const { history } = await historyOf(lifecycleIdFrom(id));
      const json = historyToJSON(history);
      if (options.output) {
        await writeFile(options.output, json);
        process.stderr.write(`wrote ${history.events?.length ?? 0} events to ${options.output}\n`);
      } else {
        process.stdout.write(`${json}\n`);
      }
    });

  program
    .command('replay')
    .description('replay a run against the current workflow code; fails on non-determinism, naming the diverging event')
    .argument('<idOrFile>', 'workflow id, or a history file from `baton history`')
    .action(async (idOrFile: string) => {
      const [{ installRuntimeLogger }, { replayHistories }] = await Promise.all([
        import('../../worker/runtime.js'),
        import('../../worker/replay.js'),
      ]);
      installRuntimeLogger('ERROR');
      const history = await historyOf(idOrFile);
      const [outcome] = await replayHistories([history]);
      if (!outcome?.ok)
        throw new CliError(`${history.name} does not replay against the current code:\n  ${outcome?.error?.message ?? 'no result'}`);
      process.stdout.write(`${history.name}: ${history.history.events?.length ?? 0} events replay cleanly against the current code\n`);
    });
}

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { NamedHistory } from '../../worker/replay.js';
import { CliError } from '../errors.js';
import { historyOf } from './history.js';

/** gRPC's NOT_FOUND: fetching a history answers with the raw service error, not WorkflowNotFoundError. */
const grpcNotFound = 5;

/** The history to report on; a file that is not there, or a run the server does not know, is said in one line. */
async function reportedHistory(idOrFile: string): Promise<NamedHistory> {
  // A workflow id never ends in .json, so such an argument that does not exist is a mistyped file, not an id.
  if (idOrFile.endsWith('.json') && !existsSync(idOrFile)) throw new CliError(`no such history file: ${idOrFile}`);
  try {
    return await historyOf(idOrFile);
  } catch (err) {
    const [{ isGrpcServiceError }, { lifecycleIdFrom }] = await Promise.all([import('@temporalio/client'), import('../client.js')]);
    if (isGrpcServiceError(err) && err.code === grpcNotFound)
      throw new CliError(`no run with workflow id ${lifecycleIdFrom(idOrFile)} on this Temporal server`);
    if (err instanceof SyntaxError) throw new CliError(`${idOrFile} is not a history in JSON: ${err.message}`);
    throw err;
  }
}

/** report: the incident report of a run, from the server or from an exported history. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'the incident report of a run: phases, authority handoffs, stack attempts and errors, steady-state events, critical path, gantt chart',
    )
    .argument('<idOrFile>', 'workflow id (baton/PLATFORM/ENV, or PLATFORM/ENV), or a history file from `baton history`')
    .option('--html', 'a self-contained HTML page instead of Markdown')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (idOrFile: string, options: { html?: boolean; output?: string }) => {
      const [{ timelineFromHistory }, { incidentReport }, { renderHtml }, { renderMarkdown }, { openRunLedger }] = await Promise.all([
        import('../../report/timeline.js'),
        import('../../report/incident.js'),
        import('../../report/html.js'),
        import('../../report/markdown.js'),
        import('../client.js'),
      ]);
      const { history } = await reportedHistory(idOrFile);
      const timeline = timelineFromHistory(history);
      if (timeline.end === null && !existsSync(idOrFile)) timeline.handoffs = (await openRunLedger(idOrFile)) ?? timeline.handoffs;
      const report = incidentReport(timeline);
      const text = options.html ? renderHtml(report) : renderMarkdown(report);
      if (options.output) {
        await writeFile(options.output, text);
        process.stderr.write(`wrote the report of ${report.facts.find(([label]) => label === 'Workflow id')?.[1]} to ${options.output}\n`);
      } else {
        process.stdout.write(text);
      }
    });
}

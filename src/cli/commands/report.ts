import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { IncidentReport } from '../../report/incident.js';
import type { NamedHistory } from '../../worker/replay.js';
import { CliError } from '../errors.js';
import { grpcNotFound, runChainOf } from './history.js';

/**
 * The histories to report on, oldest first: an exported file is one run, a workflow id on the server is every
 * run of it (up to the limit). A file that is not there, or a run the server does not know, is said in one line.
 */
async function reportedHistories(idOrFile: string): Promise<[NamedHistory, ...NamedHistory[]]> {
  // A workflow id never ends in .json, so such an argument that does not exist is a mistyped file, not an id.
  if (idOrFile.endsWith('.json') && !existsSync(idOrFile)) throw new CliError(`no such history file: ${idOrFile}`);
  try {
    if (existsSync(idOrFile)) {
      const [{ readHistoryFile }, { decodeWithConfiguredCodec }] = await Promise.all([
        import('../../worker/replay.js'),
        import('../../codec/decodeHistory.js'),
      ]);
      const exported = await readHistoryFile(idOrFile);
      await decodeWithConfiguredCodec([exported.history]);
      return [exported];
    }
    const { reportedRunLimit } = await import('../../report/mergeTimelines.js');
    return await runChainOf(idOrFile, reportedRunLimit);
  } catch (err) {
    const [{ isGrpcServiceError }, { lifecycleIdFrom }] = await Promise.all([import('@temporalio/client'), import('../client.js')]);
    if (isGrpcServiceError(err) && err.code === grpcNotFound)
      throw new CliError(`no run with workflow id ${lifecycleIdFrom(idOrFile)} on this Temporal server`);
    if (err instanceof SyntaxError) throw new CliError(`${idOrFile} is not a history in JSON: ${err.message}`);
    throw err;
  }
}

/** The report of a lifecycle run: every run of it merged; an open run is asked for the reasons of its own handoffs. */
async function lifecycleReport(idOrFile: string, first: NamedHistory, later: NamedHistory[]): Promise<IncidentReport> {
  const [{ timelineFromHistory }, { mergeTimelines }, { incidentReport }, { openRunLedger }] = await Promise.all([
    import('../../report/timeline.js'),
    import('../../report/mergeTimelines.js'),
    import('../../report/incident.js'),
    import('../client.js'),
  ]);
  const timeline = mergeTimelines([timelineFromHistory(first.history), ...later.map(({ history }) => timelineFromHistory(history))]);
  if (timeline.end === null && !existsSync(idOrFile)) timeline.handoffs = (await openRunLedger(idOrFile)) ?? timeline.handoffs;
  return incidentReport(timeline);
}

/** The report of a promotion's history (undefined for another workflow's); an open promotion is asked for its state. */
async function promotionReportOf({ history }: NamedHistory): Promise<IncidentReport | undefined> {
  const { promotion } = await import('../../workflows/promotion.js');
  if (history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name !== promotion.name) return undefined;
  const [{ promotionTrailFromHistory }, { promotionReport }, { withClient }, { promotionState }] = await Promise.all([
    import('../../report/promotionTrail.js'),
    import('../../report/promotionReport.js'),
    import('../client.js'),
    import('../promotionRun.js'),
  ]);
  const trail = promotionTrailFromHistory(history);
  trail.state ??= trail.end === null ? await withClient((client) => promotionState(client, trail.id)) : null;
  return promotionReport(trail);
}

/** report: the incident report of a run, from the server or from an exported history. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'the incident report of a run: phases, authority handoffs, promotions, stack attempts and errors, steady-state events, critical path, gantt chart; ' +
        'of a promotion: its gates, approvals with the Temporal identity that sent each, handoffs, steps and AnalysisRun',
    )
    .argument(
      '<idOrFile>',
      'workflow id (baton/PLATFORM/ENV, or PLATFORM/ENV): every run of it, across continue-as-new; a promotion id (baton/PLATFORM/promotion/FREIGHT-ENV); or a history file from `baton history`: that one run',
    )
    .option('--html', 'a self-contained HTML page instead of Markdown')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (idOrFile: string, options: { html?: boolean; output?: string }) => {
      const [{ renderHtml }, { renderMarkdown }] = await Promise.all([import('../../report/html.js'), import('../../report/markdown.js')]);
      const [first, ...later] = await reportedHistories(idOrFile);
      const report = (await promotionReportOf(first)) ?? (await lifecycleReport(idOrFile, first, later));
      const text = options.html ? renderHtml(report) : renderMarkdown(report);
      if (options.output) {
        await writeFile(options.output, text);
        process.stderr.write(`wrote the report of ${report.facts.find(([label]) => label === 'Workflow id')?.[1]} to ${options.output}\n`);
      } else {
        process.stdout.write(text);
      }
    });
}

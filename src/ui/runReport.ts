import type { Client } from '@temporalio/client';
import { runChainWith } from '../cli/commands/history.js';
import { renderHtml } from '../report/html.js';
import { incidentReport } from '../report/incident.js';
import { mergeTimelines, reportedRunLimit } from '../report/mergeTimelines.js';
import { timelineFromHistory } from '../report/timeline.js';

/** The run report of a workflow id as `baton report --html` gives it: every run of it, the gantt as SVG. */
export async function runReportPage(client: Client, workflowId: string): Promise<string> {
  const chain = await runChainWith(client, workflowId, reportedRunLimit);
  const [first, ...later] = chain.map(({ history }) => timelineFromHistory(history));
  return renderHtml(incidentReport(mergeTimelines([first!, ...later])));
}

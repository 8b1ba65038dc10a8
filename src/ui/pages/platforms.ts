import { escapeHtml } from '../../report/escapeHtml.js';
import { page, promotionsLink } from './layout.js';

/** One lifecycle run as the platforms page lists it: its search attributes, and the count its state query gives. */
export interface PlatformRow {
  workflowId: string;
  platform: string;
  environment: string;
  phase: string;
  authority: string;
  outcome: string;
  /** `healthy/total` from the running run's state; null for a closed run or one that did not answer. */
  healthy: string | null;
}

export function platformsPage(rows: PlatformRow[]): string {
  const body =
    rows.length === 0
      ? '<p class="muted">No platform run on this Temporal server: <code>baton deploy FILE --env ENV</code> starts one.</p>'
      : `<table><thead><tr><th>platform</th><th>environment</th><th>phase</th><th>authority</th><th>outcome</th><th>healthy/total</th><th>workflow id</th><th></th></tr></thead><tbody>
${rows
  .map(
    (r) =>
      `<tr><td><a href="/environment?id=${encodeURIComponent(r.workflowId)}">${escapeHtml(r.platform)}</a></td><td>${escapeHtml(r.environment)}</td><td>${escapeHtml(r.phase)}</td><td>${escapeHtml(r.authority)}</td><td>${escapeHtml(r.outcome)}</td><td>${escapeHtml(r.healthy ?? '')}</td><td>${escapeHtml(r.workflowId)}</td><td><a href="${promotionsLink(r.platform)}">promotions</a></td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
  return page('Platforms', `<h1>Platforms</h1>\n<section>${body}</section>`);
}

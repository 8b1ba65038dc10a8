import type { FreightPlacement } from '../../cli/commands/freight.js';
import { escapeHtml } from '../../report/escapeHtml.js';
import { decidedStages, type PromotionState } from '../../promotion/state.js';
import { actionDialog } from './actionDialog.js';
import { page, promotionsLink, textTable } from './layout.js';

/** The platform's freight pipeline: the warehouse's placements, or why there are none (no warehouse yet). */
export type Pipeline = { placements: FreightPlacement[] } | { unavailable: string };

/** Freight by environment: a row per freight, newest first, a column per environment it reached or was sent to. */
function pipelineTable(pipeline: Pipeline, promotions: PromotionState[]): string {
  if ('unavailable' in pipeline) return `<p class="muted">${escapeHtml(pipeline.unavailable)}</p>`;
  const environments = [
    ...new Set([...pipeline.placements.flatMap((p) => [...p.deployedIn, ...p.verifiedIn]), ...promotions.map((p) => p.environment)]),
  ];
  if (pipeline.placements.length === 0) return '<p class="muted">The warehouse has found no freight yet.</p>';
  const head = ['freight', 'revision', 'found', ...environments].map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const rows = [...pipeline.placements].reverse().map((p) => {
    const cells = environments.map((env) => {
      const deployed = p.deployedIn.includes(env);
      const verified = p.verifiedIn.includes(env);
      const label = [deployed ? 'deployed' : '', verified ? 'verified' : ''].filter(Boolean).join(', ');
      return `<td class="${verified ? 'verified' : deployed ? 'deployed' : ''}" data-environment="${escapeHtml(env)}">${label}</td>`;
    });
    return `<tr data-freight="${escapeHtml(p.id)}"><td>${escapeHtml(p.id)}</td><td><code>${escapeHtml(p.revision.slice(0, 12))}</code></td><td>${escapeHtml(p.createdAt)}</td>${cells.join('')}</tr>`;
  });
  return `<table class="pipeline"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Who approved or rejected what, and when: the promotion's trail of decisions. */
function approvalTrail(state: PromotionState): string {
  return textTable(
    ['at', 'approver', 'decision', 'for', 'reason'],
    state.approvals.map((a) => [a.at, a.approver, a.kind, a.for, a.reason ?? '']),
    'No approval or rejection yet.',
  );
}

/** An open promotion: its gates, what it waits for, its approvals, and the approve/reject buttons while it waits. */
export function promotionCard(state: PromotionState): string {
  const policy = state.policy.approvals;
  const approved = state.approvals.filter((a) => a.kind === 'approve' && a.for === 'promotion').length;
  const gates =
    state.gates.length === 0
      ? '<p class="muted">No gate checked yet.</p>'
      : `<ul class="gates">${state.gates
          .map(
            (g) =>
              `<li class="${g.passed ? 'passed' : 'unmet'}" data-gate="${escapeHtml(g.name)}">${g.passed ? '✓' : '✗'} ${escapeHtml(g.name)}: ${escapeHtml(g.message)}</li>`,
          )
          .join('')}</ul>`;
  const buttons = state.waitingFor
    ? `<p><button data-action="approve" data-promotion="${escapeHtml(state.id)}">Approve</button><button data-action="reject" data-promotion="${escapeHtml(state.id)}" class="danger">Reject</button> the ${escapeHtml(state.waitingFor)}</p>`
    : '';
  return `<section class="promotion" data-promotion-id="${escapeHtml(state.id)}" data-state="${escapeHtml(state.state)}">
<h2>${escapeHtml(state.freight.id)} → ${escapeHtml(state.environment)} <span class="muted">${escapeHtml(state.state)}</span></h2>
<p class="muted">${escapeHtml(state.id)} · requested by ${escapeHtml(state.requestedBy)} at ${escapeHtml(state.requestedAt)}${
    state.message ? ` · ${escapeHtml(state.message)}` : ''
  }</p>
<h3>Gates</h3>${gates}
<h3>Approvals${policy ? ` ${approved}/${policy.required} from ${escapeHtml(policy.from.join(', '))}` : ''}${
    state.waitingFor ? ` · waiting for the ${escapeHtml(state.waitingFor)} approval` : ''
  }</h3>
${approvalTrail(state)}
${buttons}
</section>`;
}

/** A platform's promotions page: the freight pipeline, each open promotion, and the decided ones. */
export function promotionsPage(platform: string, pipeline: Pipeline, promotions: PromotionState[]): string {
  const open = promotions.filter((p) => !decidedStages.includes(p.state));
  const decided = textTable(
    ['promotion', 'freight', 'to', 'state', 'approvals', 'finished', 'message'],
    [...promotions]
      .filter((p) => decidedStages.includes(p.state))
      .reverse()
      .map((p) => [
        p.id,
        p.freight.id,
        p.environment,
        p.state,
        p.approvals.map((a) => `${a.kind} ${a.approver}`).join(', '),
        p.finishedAt ?? '',
        p.message ?? '',
      ]),
    'No promotion decided yet.',
  );
  return page(
    `${platform} promotions`,
    `<h1>Promotions of ${escapeHtml(platform)}</h1>
<section><h2>Freight pipeline</h2>${pipelineTable(pipeline, promotions)}</section>
${open.length === 0 ? '<section><p class="muted">No promotion open: <code>baton promote</code> requests one.</p></section>' : open.map(promotionCard).join('\n')}
<section><h2>Decided</h2>${decided}</section>
<section>${actionDialog()}</section>`,
    { script: true },
  );
}

/** /promotions without a platform: the platforms that have runs, each linking to its promotions. */
export function promotionPlatformsPage(platforms: string[]): string {
  const body =
    platforms.length === 0
      ? '<p class="muted">No platform run on this Temporal server.</p>'
      : `<ul>${platforms.map((p) => `<li><a href="${promotionsLink(p)}">${escapeHtml(p)}</a></li>`).join('')}</ul>`;
  return page('Promotions', `<h1>Promotions</h1>\n<section>${body}</section>`);
}

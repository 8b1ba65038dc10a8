import { escapeHtml } from '../../report/escapeHtml.js';
import { phaseNames, type LifecycleState } from '../../workflows/state.js';
import { dagSvg } from '../dagSvg.js';
import { actionDialog } from './actionDialog.js';
import { page, promotionsLink, textTable } from './layout.js';

/** Phases 0-4 with the one the run is in, and who holds platform authority. */
function phaseStrip(state: LifecycleState): string {
  const items = phaseNames.map((name, n) => {
    const cls = n === state.phase.number ? 'current' : n < state.phase.number ? 'done' : '';
    return `<li class="${cls}" data-phase="${n}">${n} ${name}</li>`;
  });
  const holder = state.authority.platform ?? 'nobody';
  return `<ol class="phases">${items.join('')}</ol>
<p>Outcome <strong data-outcome>${escapeHtml(state.outcome)}</strong> · authority held by <strong data-authority>${escapeHtml(holder)}</strong>${
    state.waitingFor ? ` · waiting for ${escapeHtml(state.waitingFor)}` : ''
  }${state.error ? ` · <span class="refused">${escapeHtml(state.error)}</span>` : ''}</p>`;
}

/** The authority ledger as a timeline, rejected handoffs included with their reason. */
function ledger(state: LifecycleState): string {
  if (state.ledger.length === 0) return '<p class="muted">No handoff yet.</p>';
  const items = state.ledger.map(
    (e) =>
      `<li class="${e.accepted ? 'accepted' : 'rejected'}"><time>${escapeHtml(e.at)}</time> ${escapeHtml(e.concern)}: ${escapeHtml(e.from)} → ${escapeHtml(e.to)} (${escapeHtml(e.reason)}, sent by ${escapeHtml(e.sender)})${
        e.accepted ? '' : ` rejected: ${escapeHtml(e.rejection ?? 'no reason given')}`
      }</li>`,
  );
  return `<ol class="ledger">${items.join('\n')}</ol>`;
}

/** The part of the page that the event stream replaces as the run changes. */
export function environmentView(state: LifecycleState): string {
  const stacks = textTable(
    ['stack', 'status', 'attempts', 'started', 'healthy', 'live (Argo CD)', 'last message'],
    state.stacks.map((s) => [
      s.name,
      s.status,
      String(s.attempts),
      s.startedAt ?? '',
      s.healthyAt ?? '',
      s.live ? `${s.live.health}/${s.live.sync}` : '',
      s.message ?? '',
    ]),
    'No stacks.',
  );
  const events = textTable(
    ['at', 'stack', 'health/sync', 'message'],
    [...state.steadyStateEvents].reverse().map((e) => [e.at, e.stack, `${e.health}/${e.sync}`, e.message]),
    'No steady-state event recorded.',
  );
  return `<section><h2>Phase</h2>${phaseStrip(state)}</section>
<section><h2>Stacks</h2>${dagSvg(state.stacks)}${stacks}</section>
<section><h2>Authority ledger</h2>${ledger(state)}</section>
<section><h2>Steady-state events</h2>${events}</section>`;
}

/** The controls, sent as the validated updates; the page script asks to confirm and for the acting name. */
function controls(): string {
  return `<section><h2>Controls</h2>
<button data-action="resume">Resume</button><button data-action="abort" class="danger">Abort</button><button data-action="teardown" class="danger">Teardown</button>
${actionDialog()}</section>`;
}

export function environmentPage(workflowId: string, state: LifecycleState, temporalUi: string): string {
  return page(
    `${state.platform} in ${state.environment}`,
    `<h1>${escapeHtml(state.platform)} in ${escapeHtml(state.environment)}</h1>
<p class="muted">${escapeHtml(workflowId)} · <a href="${escapeHtml(temporalUi)}">Temporal UI</a> · <a href="/report?id=${encodeURIComponent(workflowId)}">run report</a> · <a href="${promotionsLink(state.platform)}">promotions</a></p>
<div id="live" data-workflow-id="${escapeHtml(workflowId)}">${environmentView(state)}</div>
${controls()}`,
    { script: true },
  );
}

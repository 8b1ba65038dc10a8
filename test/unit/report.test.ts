import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time.js';
import { encryptedEncoding } from '../../src/codec/encryptionCodec.js';
import { codecKeyVariables } from '../../src/codec/keys.js';
import { renderHtml } from '../../src/report/html.js';
import { incidentReport } from '../../src/report/incident.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { mergeTimelines, reportedRunLimit } from '../../src/report/mergeTimelines.js';
import { payloadValue, timelineFromHistory, unrecordedReason, type RunTimeline } from '../../src/report/timeline.js';
import { formatDuration } from '../../src/spec/duration.js';
import { readHistoryFile } from '../../src/worker/replay.js';
import type { HandoffRequest } from '../../src/workflows/authority.js';
import type { LedgerEntry } from '../../src/workflows/state.js';
import { authorityHandoffSignal } from '../../src/workflows/definitions.js';
import { historiesDir } from '../support/histories.js';
import { repoRoot } from '../support/tools.js';

async function fixtureTimeline(name: string): Promise<RunTimeline> {
  return timelineFromHistory((await readHistoryFile(`${historiesDir}/${name}.json`)).history);
}

type History = Awaited<ReturnType<typeof readHistoryFile>>['history'];
type HistoryEvent = NonNullable<History['events']>[number];

/** The recorded diamond run as its history read while it was in steady state: before the teardown request. */
async function openDiamondHistory(): Promise<HistoryEvent[]> {
  const events = (await readHistoryFile(`${historiesDir}/diamond-lifecycle.json`)).history.events!;
  return events.slice(
    0,
    events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes),
  );
}

/** A value as a history's payloads hold it (the SDK's JSON payload). */
function payloadsOf(value: unknown) {
  return { payloads: [defaultPayloadConverter.toPayload(value)] };
}

/** A handoff signal as the server records it. */
function handoffSignalEvent(after: HistoryEvent, request: HandoffRequest): HistoryEvent {
  return {
    eventTime: after.eventTime,
    workflowExecutionSignaledEventAttributes: { signalName: authorityHandoffSignal.name, input: payloadsOf(request) },
  };
}

/** The rows of the report's authority handoff table: from, to, reason, result. */
function handoffRows(markdown: string): string[][] {
  return [...markdown.matchAll(/^\| platform \| (\w+) \| (\w+) \| 2026-\S+ \| ([^|]*) \| ([^|]*) \|$/gm)].map((m) =>
    m.slice(1).map((cell) => cell.trim()),
  );
}

/** The lines of the first ```mermaid block of a Markdown document. */
function mermaidBlock(markdown: string): string[] {
  const match = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  assert.ok(match, 'a mermaid block');
  return match[1]!.split('\n');
}

/** The shape of a Mermaid gantt: header, dateFormat, then sections each followed by `name :tags, id, start, end` tasks. */
function assertGanttShape(lines: string[]): { sections: string[]; tasks: { name: string; tags: string[]; start: number; end: number }[] } {
  assert.equal(lines[0], 'gantt');
  assert.ok(
    lines.some((l) => /^\s+dateFormat x$/.test(l)),
    'dateFormat x',
  );
  const sections: string[] = [];
  const tasks: { name: string; tags: string[]; start: number; end: number }[] = [];
  for (const line of lines.slice(1)) {
    if (/^\s+(title|dateFormat|axisFormat) \S/.test(line)) {
      assert.equal(sections.length, 0, `${line} belongs before the first section`);
      continue;
    }
    const section = /^\s+section (.+)$/.exec(line);
    if (section) {
      sections.push(section[1]!);
      continue;
    }
    const task = /^\s+([^:;#]+?) :((?:(?:crit|done|active), )*)(a\d+), (\d+), (\d+)$/.exec(line);
    assert.ok(task, `not a gantt task line: ${line}`);
    assert.ok(sections.length > 0, `task before any section: ${line}`);
    const [start, end] = [Number(task[4]), Number(task[5])];
    assert.ok(start <= end, `${line} ends before it starts`);
    tasks.push({ name: task[1]!, tags: task[2]!.split(', ').filter(Boolean), start, end });
  }
  return { sections, tasks };
}

/** When an event happened, in ms (a history read from JSON holds its seconds as a number). */
const msOf = ({ eventTime }: HistoryEvent) => Number(eventTime!.seconds) * 1000 + Math.floor((eventTime!.nanos ?? 0) / 1e6);

/** An event's time moved on by ms. */
function shifted(event: HistoryEvent, ms: number): HistoryEvent {
  return { ...event, eventTime: msToTs(msOf(event) + ms) };
}

/**
 * The run a recorded run continued as new into, as the server starts it (the input the first run handed over,
 * the run id it continues), going through the first run's events from its given one on again, later.
 */
function nextRun(first: HistoryEvent[], from: (e: HistoryEvent) => boolean): HistoryEvent[] {
  const started = first[0]!.workflowExecutionStartedEventAttributes!;
  const last = first.at(-1)!;
  const again = first.slice(first.findIndex(from));
  const ms = msOf(last) - msOf(again[0]!) + 1000;
  return [
    {
      ...last,
      workflowExecutionContinuedAsNewEventAttributes: undefined,
      workflowExecutionStartedEventAttributes: {
        ...started,
        input: last.workflowExecutionContinuedAsNewEventAttributes!.input,
        continuedExecutionRunId: started.originalExecutionRunId,
      },
    },
    ...again.map((e) => shifted(e, ms)),
  ];
}

const phaseIs = (name: string) => (e: HistoryEvent) =>
  new TextDecoder().decode(
    e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.BatonPhase?.data ?? undefined,
  ) === JSON.stringify(name);

describe('baton report', () => {
  it('shows the failed attempt with its error and failure type, and the later successful one', async () => {
    const timeline = await fixtureTimeline('failure-and-resume');
    const markdown = renderMarkdown(incidentReport(timeline));
    assert.match(markdown, /^# Run report: partial-6f84a3 in dev: torn-down$/m);
    assert.match(markdown, /^- Workflow id: lifecycle-0c6ded$/m);
    assert.match(
      markdown,
      /^\| cert-manager \| deploy \| 1 \| [^|]+ \| [^|]+ \| \d+ms \| failed \| application cert-manager is Degraded: Deployment\/cert-manager has 0\/1 ready replicas \| ApplicationDegraded \|$/m,
    );
    assert.match(markdown, /^\| cert-manager \| deploy \| 2 \| [^|]+ \| [^|]+ \| \d+ms \| succeeded \| {2}\| {2}\|$/m);
    // The type the history records: the test doubles of that recording named it ApplicationDegraded.
    assert.equal(timeline.attempts.find((a) => a.result === 'failed')?.failureType, 'ApplicationDegraded');
    const failed = markdown.indexOf('| cert-manager | deploy | 1 |');
    assert.ok(failed >= 0 && failed < markdown.indexOf('| cert-manager | deploy | 2 |'), 'the failed attempt comes first');
    assert.match(markdown, /^\| 2026-[^|]+ \| resume \| update \| oncall \| fixed the issuer \|$/m);
  });

  it('lists every phase with its span and every authority handoff of the ledger', async () => {
    const markdown = renderMarkdown(incidentReport(await fixtureTimeline('diamond-lifecycle')));
    for (const phase of ['pre-bootstrap', 'bootstrap', 'orchestration', 'steady-state', 'teardown']) {
      assert.match(markdown, new RegExp(`^\\| ${phase} \\| 2026-\\S+ \\| 2026-\\S+ \\| [\\d.]+m?s \\|$`, 'm'));
    }
    assert.deepEqual(handoffRows(markdown), [
      ['external', 'bootstrap', 'preflight passed; the bootstrap layer installs Argo CD and the automation credentials', 'accepted'],
      ['bootstrap', 'orchestration', 'Argo CD v3.5.1 is operational and the bootstrap credentials are rotated', 'accepted'],
      ['orchestration', 'deployment', 'all 4 stacks are healthy; Argo CD reconciles from here', 'accepted'],
      ['deployment', 'orchestration', 'teardown requested by test: end of test', 'accepted'],
      ['orchestration', 'bootstrap', 'every stack is removed; the bootstrap layer removes what it installed', 'accepted'],
      ['bootstrap', 'external', 'teardown playbook done and no orphaned objects remain', 'accepted'],
    ]);
  });

  it("gives the reasons of an open run's handoffs from its signals, and says where the reasons of its own transfers are", async () => {
    const timeline = timelineFromHistory({ events: await openDiamondHistory() });
    assert.equal(timeline.end, null);
    assert.deepEqual(handoffRows(renderMarkdown(incidentReport(timeline))), [
      ['external', 'bootstrap', unrecordedReason, 'accepted'],
      ['bootstrap', 'orchestration', 'Argo CD v3.5.1 is operational and the bootstrap credentials are rotated', 'accepted'],
      ['orchestration', 'deployment', unrecordedReason, 'accepted'],
    ]);
    assert.equal(timeline.handoffs[1]!.sender, 'baton/diamond-eb5d74/dev/bootstrap');
    assert.equal(timeline.handoffs[1]!.credentialsRef, 'baton-system/baton-automation');
  });

  it('takes the ledger a run continued as new with, in the run that continues and in the one that follows', async () => {
    const ledger = (await fixtureTimeline('diamond-lifecycle')).handoffs.slice(0, 3);
    const events = await openDiamondHistory();
    const continued = timelineFromHistory({
      events: [
        ...events,
        {
          eventTime: events.at(-1)!.eventTime,
          workflowExecutionContinuedAsNewEventAttributes: { input: payloadsOf({ carriedState: { ledger } }) },
        },
      ],
    });
    assert.equal(continued.outcome, 'continued as new');
    assert.deepEqual(continued.handoffs, ledger);

    const started = events[0]!.workflowExecutionStartedEventAttributes!;
    const input = JSON.parse(new TextDecoder().decode(started.input!.payloads![0]!.data!)) as object;
    const next = timelineFromHistory({
      events: [
        {
          ...events[0],
          workflowExecutionStartedEventAttributes: { ...started, input: payloadsOf({ ...input, carriedState: { ledger } }) },
        },
      ],
    });
    assert.deepEqual(next.handoffs, ledger);
  });

  it('records a handoff signal no change of holder follows as refused, with its reason', async () => {
    const events = await openDiamondHistory();
    const forged = { concern: 'platform', from: 'bootstrap', to: 'external', sender: 'someone-else', reason: 'trying my luck' } as const;
    const timeline = timelineFromHistory({ events: [...events, handoffSignalEvent(events.at(-1)!, forged)] });
    const refused = timeline.handoffs.at(-1)!;
    assert.deepEqual(
      [refused.from, refused.to, refused.sender, refused.reason, refused.accepted],
      ['bootstrap', 'external', 'someone-else', 'trying my luck', false],
    );
    assert.match(handoffRows(renderMarkdown(incidentReport(timeline))).at(-1)![3]!, /^rejected: /);
  });

  it('lists what Argo CD reported in steady state, in order, from the watch results in the history', async () => {
    const timeline = await fixtureTimeline('steady-state-watch');
    assert.deepEqual(
      timeline.steadyStateEvents.map((e) => `${e.stack} ${e.health}/${e.sync}`),
      ['left Healthy/OutOfSync', 'left Healthy/Synced'],
    );
    const markdown = renderMarkdown(incidentReport(timeline));
    assert.match(
      markdown,
      /^\| 2026-\S+ \| left \| Healthy \| OutOfSync \| Application left: Healthy\/OutOfSync; Deployment left\/left: OutOfSync \|$/m,
    );
    assert.match(
      renderMarkdown(incidentReport(await fixtureTimeline('diamond-lifecycle'))),
      /Argo CD reported no change in steady state\./,
    );
  });

  it('gives the critical path from the measured durations, with its total', async () => {
    const timeline = await fixtureTimeline('failure-and-resume');
    assert.deepEqual(timeline.criticalPath.stacks, ['crds', 'cert-manager', 'ingress', 'app']);
    const total = timeline.criticalPath.stacks.reduce((sum, s) => sum + timeline.deployDurations[s]!, 0);
    assert.equal(timeline.criticalPath.duration, total);
    const markdown = renderMarkdown(incidentReport(timeline));
    assert.match(markdown, new RegExp(`^Total: ${formatDuration(total)} \\(crds → cert-manager → ingress → app\\)$`, 'm'));
  });

  it('draws a mermaid gantt: a section per phase and level, a bar per attempt, failed ones crit', async () => {
    const timeline = await fixtureTimeline('failure-and-resume');
    const { sections, tasks } = assertGanttShape(mermaidBlock(renderMarkdown(incidentReport(timeline))));
    assert.equal(tasks.length, timeline.attempts.length);
    assert.ok(sections.includes('orchestration, level 0') && sections.includes('teardown, level 3'), sections.join('; '));
    assert.deepEqual(
      tasks.filter((t) => t.tags.includes('crit')).map((t) => t.name),
      ['cert-manager deploy 1'],
    );
    assert.ok(tasks.find((t) => t.name === 'cert-manager deploy 2')?.tags.includes('done'));
  });

  it('escapes a stack error carrying markup in HTML and in Markdown', async () => {
    const timeline = await fixtureTimeline('failure-and-resume');
    const failed = timeline.attempts.find((a) => a.result === 'failed')!;
    failed.error = `upstream said <script>alert("pwned")</script> & 'more'`;
    const html = renderHtml(incidentReport(timeline));
    assert.ok(!html.includes('<script>alert'), 'no live script from the error');
    assert.ok(html.includes('upstream said &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;more&#39;'));
    assert.equal(html.match(/<script\b/g), null, 'no script at all: the gantt is an inline SVG');
    assert.doesNotMatch(renderMarkdown(incidentReport(timeline)), /<script>/);
  });

  it('renders HTML with the tables and the gantt as an inline SVG, a bar per attempt, loading nothing', async () => {
    const timeline = await fixtureTimeline('failure-and-resume');
    const html = renderHtml(incidentReport(timeline));
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<h1>Run report: partial-6f84a3 in dev: torn-down<\/h1>/);
    assert.match(html, /<tr><td>cert-manager<\/td><td>deploy<\/td><td>1<\/td>(<td>[^<]*<\/td>){4}<td>application cert-manager is Degraded/);
    const svg = /<svg class="gantt"[\s\S]*?<\/svg>/.exec(html);
    assert.ok(svg, 'an inline gantt SVG');
    assert.equal(svg[0].match(/<rect /g)?.length, timeline.attempts.length);
    assert.match(svg[0], /<g class="bar failed"><title>cert-manager deploy 1: failed, /);
    assert.doesNotMatch(html, /<script|<link|<img|src=|href=|url\(/, 'nothing to load');
  });

  it('shows a day-2 change from its applySpec update while the run carries it out: who, why, the plan it accepted', async () => {
    const events = await openDiamondHistory();
    const last = events.at(-1)!;
    const plan = { added: ['search'], changed: ['left'], removed: ['right'], untouched: ['base', 'top'] };
    const meta = { updateId: 'apply-1' };
    const request = { spec: { metadata: { name: 'diamond' } }, requestedBy: 'ana', reason: 'search | left values' };
    const timeline = timelineFromHistory({
      events: [
        ...events,
        {
          eventTime: last.eventTime,
          workflowExecutionUpdateAcceptedEventAttributes: {
            acceptedRequest: { meta, input: { name: 'applySpec', args: payloadsOf(request) } },
          },
        },
        { eventTime: last.eventTime, workflowExecutionUpdateCompletedEventAttributes: { meta, outcome: { success: payloadsOf(plan) } } },
      ],
    });
    assert.deepEqual(
      timeline.changes.map((c) => [c.requestedBy, c.reason, c.status, c.plan]),
      [['ana', 'search | left values', 'applying', plan]],
    );
    assert.deepEqual(
      timeline.requests.filter((r) => r.kind === 'applySpec').map((r) => Object.keys(r).sort()),
      [['at', 'kind', 'reason', 'requestedBy', 'via']],
      'the request row leaves the spec out',
    );
    const markdown = renderMarkdown(incidentReport(timeline));
    assert.ok(markdown.includes('| ana | search \\| left values | applying | search | left | right |  |'), markdown);
  });

  it('shows the changes a run carried over with their handoffs, and says when there were none', async () => {
    const timeline = await fixtureTimeline('diamond-lifecycle');
    assert.match(renderMarkdown(incidentReport(timeline)), /No change was applied to the running platform\./);
    const [start, end] = ['2026-11-27T09:00:00.000Z', '2026-11-27T09:02:00.000Z'];
    const entry = (from: LedgerEntry['from'], to: LedgerEntry['to'], at: string): LedgerEntry => ({
      concern: 'platform',
      from,
      to,
      at,
      reason: 'apply by ana',
      sender: timeline.workflowId,
      accepted: true,
    });
    timeline.handoffs = [
      entry('bootstrap', 'orchestration', '2026-11-27T08:00:00.000Z'),
      entry('deployment', 'orchestration', '2026-11-27T09:00:01.000Z'),
      entry('orchestration', 'deployment', '2026-11-27T09:01:59.000Z'),
    ];
    timeline.changes = [
      {
        requestedBy: 'ana',
        plan: { added: [], changed: ['left'], removed: [], untouched: ['base', 'right', 'top'] },
        status: 'applied',
        startedAt: start,
        finishedAt: end,
      },
    ];
    assert.match(
      renderMarkdown(incidentReport(timeline)),
      new RegExp(
        `^\\| ${start} \\| ${end} \\| ana \\|  \\| applied \\|  \\| left \\|  \\| deployment -&gt; orchestration; orchestration -&gt; deployment \\|$`,
        'm',
      ),
    );
  });

  it('merges the runs of a workflow id into one life: phases, attempts numbered over it, requests, the latest ledger', async () => {
    // The recorded run applies a change and continues as new; the next one applies another and continues too.
    const events = (await readHistoryFile(`${historiesDir}/apply.json`)).history.events!;
    const [first, second] = [timelineFromHistory({ events }), timelineFromHistory({ events: nextRun(events, phaseIs('steady-state')) })];
    assert.equal(second.continuedFrom, events[0]!.workflowExecutionStartedEventAttributes!.originalExecutionRunId);
    const merged = mergeTimelines([first, second]);
    assert.deepEqual([merged.runs, merged.continuedFrom, merged.start, merged.end], [2, null, first.start, second.end]);
    assert.equal(merged.outcome, 'continued as new');
    assert.deepEqual(
      merged.phases.map((p) => p.name),
      ['pre-bootstrap', 'bootstrap', 'orchestration', 'steady-state', 'orchestration', 'steady-state', 'orchestration'],
    );
    assert.deepEqual(
      merged.attempts.map((a) => `${a.stack} ${a.action} ${a.attempt}`),
      [
        ...['base', 'cache', 'web', 'edge'].map((s) => `${s} deploy 1`),
        ...['web deploy 2', 'queue deploy 1', 'edge delete 1'],
        ...['web deploy 3', 'queue deploy 2', 'edge delete 2'],
      ],
    );
    assert.deepEqual(first.attempts[0]!.attempt, 1, 'the runs are left as they were');
    assert.deepEqual(
      merged.requests.map((r) => `${r.kind} ${r.requestedBy}`),
      ['applySpec alice', 'applySpec alice'],
    );
    assert.deepEqual([merged.handoffs, merged.changes, merged.stacks], [second.handoffs, second.changes, second.stacks]);
    // Each stack's latest deploy weighs the path: base's from the first run, web's from the second.
    assert.deepEqual([merged.deployDurations.base, merged.deployDurations.web], [first.deployDurations.base, second.deployDurations.web]);
    assert.match(renderMarkdown(incidentReport(merged)), /^- Runs: 2$/m);
  });

  it('joins the phase a run continued as new in with the next run, and lists the steady-state events of both', async () => {
    const events = (await readHistoryFile(`${historiesDir}/continue-as-new.json`)).history.events!;
    const runs = [timelineFromHistory({ events }), timelineFromHistory({ events: nextRun(events, phaseIs('steady-state')) })] as const;
    const merged = mergeTimelines(runs);
    assert.deepEqual(
      merged.phases.map((p) => p.name),
      ['pre-bootstrap', 'bootstrap', 'orchestration', 'steady-state'],
    );
    assert.deepEqual([merged.phases.at(-1)!.start, merged.phases.at(-1)!.end], [runs[0].phases.at(-1)!.start, runs[1].end]);
    assert.equal(merged.steadyStateEvents.length, 2 * runs[0].steadyStateEvents.length);
    assert.ok(merged.steadyStateEvents.length > 0);
    assert.deepEqual(merged.criticalPath.stacks, ['base', 'left', 'top']);
  });

  it('says in its facts when the report does not reach back to the first run', async () => {
    const events = (await readHistoryFile(`${historiesDir}/continue-as-new.json`)).history.events!;
    const alone = timelineFromHistory({ events: nextRun(events, phaseIs('steady-state')) });
    const runId = alone.continuedFrom!;
    assert.match(
      renderMarkdown(incidentReport(alone)),
      new RegExp(`^- Runs: 1, not the whole life: this run continued run ${runId}, which the report does not read$`, 'm'),
    );
    const cut = mergeTimelines([alone, ...Array.from({ length: reportedRunLimit - 1 }, () => ({ ...alone, continuedFrom: 'x' }))]);
    assert.match(
      renderMarkdown(incidentReport(cut)),
      new RegExp(
        `^- Runs: ${reportedRunLimit}, not the whole life: the first of these ${reportedRunLimit} continued run ${runId}, which the report does not read \\(a report reads at most ${reportedRunLimit} runs\\)$`,
        'm',
      ),
    );
  });

  it('reads a payload of nothing (binary/null, empty data as fetchHistory gives it) as undefined, and refuses an encrypted one by name', () => {
    const encoded = (text: string) => new TextEncoder().encode(text);
    assert.equal(payloadValue({ metadata: { encoding: encoded('binary/null') }, data: new Uint8Array() }), undefined);
    assert.deepEqual(payloadValue({ metadata: { encoding: encoded('json/plain') }, data: encoded('{"a":1}') }), { a: 1 });
    assert.throws(
      () => payloadValue({ metadata: { encoding: encoded(encryptedEncoding) }, data: encoded('x') }),
      new RegExp(`^Error: the history's payloads are encrypted: set ${codecKeyVariables.file} or ${codecKeyVariables.inline}`),
    );
  });

  it('reports from a history file on the command line, and says in one line when the file is missing', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [`${repoRoot}bin/baton.js`, 'report', ...args], { encoding: 'utf8' });
    const ok = run(`${historiesDir}/failure-and-resume.json`);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^# Run report: partial-6f84a3/);
    assert.match(ok.stdout, /^- Runs: 1$/m);
    const html = run(`${historiesDir}/diamond-lifecycle.json`, '--html');
    assert.equal(html.status, 0, html.stderr);
    assert.match(html.stdout, /^<!doctype html>/);
    const missing = run('no-such-history.json');
    assert.notEqual(missing.status, 0);
    assert.equal(missing.stdout, '');
    assert.equal(missing.stderr, 'no such history file: no-such-history.json\n');
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Page } from 'playwright-core';
import { installRuntimeLogger } from '../../src/worker/runtime.js';
import type { platformLifecycle } from '../../src/workflows/platformLifecycle.js';
import { searchAttributeKeys } from '../../src/workflows/searchAttributes.js';
import { loopbackBrowser, type LoopbackBrowser } from '../support/browser.js';
import { activityDoubles } from '../support/doubles.js';
import { startWorkers, waitForState } from '../support/harness.js';
import { readmeCommands } from '../support/readmeCommands.js';
import { step } from '../support/step.js';
import { workflowBundle } from '../support/temporal.js';
import { repoRoot, toolPath } from '../support/tools.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** The README's paragraph on the UI's form: the test fills in what it says, so the two cannot drift apart. */
function readmeForm() {
  const readme = readFileSync(`${repoRoot}README.md`, 'utf8');
  const start = readme.indexOf('\n### From the Temporal UI\n');
  assert.ok(start >= 0, 'README.md has a section "### From the Temporal UI"');
  const paragraph = readme.slice(start).split('\n\n')[1]!;
  const field = (label: string) => {
    const value = new RegExp(`${label}\\s+\`([^\`]+)\``).exec(paragraph)?.[1];
    assert.ok(value, `the README's paragraph on the Temporal UI names the ${label}: ${paragraph}`);
    return value;
  };
  const path = /\(`(\/namespaces\/[^`]+)`\)/.exec(paragraph)?.[1];
  assert.ok(path, `the README's paragraph on the Temporal UI names the form's path: ${paragraph}`);
  return {
    path,
    workflowId: field('Workflow ID'),
    taskQueue: field('Task Queue'),
    workflowType: field('Workflow Type'),
    encoding: field('encoding'),
  };
}

/** The `--input` of the README's `temporal workflow start` example, which the form's Input repeats. */
function readmeInput(): unknown {
  const starts = readmeCommands('Driving Baton with the temporal CLI').filter((args) => args[1] === 'workflow' && args[2] === 'start');
  assert.equal(starts.length, 1, 'one README example of temporal workflow start');
  const args = starts[0]!;
  return JSON.parse(args[args.indexOf('--input') + 1]!);
}

/** A payload of the HTTP API (base64 fields) as the SDK's converter takes it (bytes). */
function decodedPayload(payload: Payload): Payload {
  const bytes = (field: unknown) => Buffer.from(field as string, 'base64');
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, bytes(value)]));
  return { metadata, data: bytes(payload.data) };
}

const form = readmeForm();
const input = readmeInput();

let env: TestWorkflowEnvironment;
let uiPort: number;
let browser: LoopbackBrowser;
/** Made on the first failure only: a passing run leaves nothing behind. */
let screenshots: string | undefined;

before(async () => {
  installRuntimeLogger('ERROR');
  uiPort = await freePort();
  // A server of its own, UI included: the README's workflow id and task queue meet no other run.
  env = await step('the Temporal dev server starts with its UI', 20_000, () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: toolPath('temporal') },
        ip: '127.0.0.1',
        ui: true,
        uiPort,
        searchAttributes: searchAttributeKeys,
        extraArgs: ['--log-level', 'error'],
      },
    }),
  );
  browser = await step('chromium starts', 20_000, loopbackBrowser);
  // Built here, outside the test's limit: on a loaded machine it takes most of the time.
  await step('the workflow bundle builds', 60_000, workflowBundle);
});

after(async () => {
  if (browser) await step('chromium closes', 15_000, () => browser.close());
  if (env) await step('the Temporal dev server stops', 15_000, () => env.teardown());
});

/** What the page showed, for a failure's message: its alerts and every API answer that was not 2xx. */
async function shown(page: Page, failures: string[]): Promise<string> {
  const alerts = await page
    .locator('[role="alert"], [data-testid="toast"]')
    .allInnerTexts()
    .catch(() => []);
  screenshots ??= await mkdtemp(join(tmpdir(), 'baton-temporal-ui-'));
  const file = join(screenshots, `form-${Date.now()}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
  return `alerts: ${JSON.stringify(alerts)}; non-2xx API answers: ${JSON.stringify(failures)}; screenshot: ${file}`;
}

describe('the Temporal UI starts a Baton deployment from its Start Workflow form', { timeout: 120_000 }, () => {
  it(
    "fills the form as the README says; the run starts with the README's input and reaches steady state",
    { timeout: 90_000 },
    async () => {
      const doubles = activityDoubles();
      // The input names no task queue prefix: the run uses the default one, baton-workflows among its queues.
      const stopWorkers = await step('the workers start', 30_000, () => startWorkers(env, doubles.zones, 'baton'));
      const page = await browser.context.newPage();
      page.setDefaultTimeout(15_000);
      const failures: string[] = [];
      page.on('response', (response) => {
        if (response.url().includes('/api/') && response.status() >= 300)
          failures.push(`${response.request().method()} ${response.url()} -> ${response.status()}`);
      });
      try {
        await step('the form opens', 30_000, () => page.goto(`http://127.0.0.1:${uiPort}${form.path}`));
        await page.locator('#workflowId').fill(form.workflowId);
        await page.locator('#taskQueue').fill(form.taskQueue);
        await page.locator('#workflowType').fill(form.workflowType);
        // The Input is a code editor: typed into, so the page's own state holds it (setting its DOM would not).
        const editor = page.locator('.cm-content').first();
        await editor.click();
        await page.keyboard.insertText(JSON.stringify(input));
        // Leaving the editor pretty-prints the JSON, which makes it taller and moves the button down: a click
        // that leaves the editor itself presses the button where it was and releases it where it no longer is,
        // so the browser sends the click to the card around it and nothing is started. Leave it first.
        await editor.blur();
        await page
          .waitForFunction(() => document.querySelectorAll('.cm-content .cm-line').length > 1, undefined, { timeout: 10_000 })
          .catch(async () => assert.fail(`the editor did not format the input on leaving it; ${await shown(page, failures)}`));
        await page.getByLabel(form.encoding, { exact: true }).check();

        const submit = page.locator('[data-testid="start-workflow-button"]');
        if (!(await submit.isEnabled()))
          assert.fail(`the Start Workflow button is disabled once the form is filled; ${await shown(page, failures)}`);
        const startUrl = `/api/v1/namespaces/default/workflows/${encodeURIComponent(form.workflowId)}`;
        const isStart = (url: string, method: string) => method === 'POST' && new URL(url).pathname === startUrl;
        const sent = page.waitForRequest((request) => isStart(request.url(), request.method()), { timeout: 15_000 });
        const answered = page.waitForResponse((response) => isStart(response.url(), response.request().method()), { timeout: 15_000 });
        await submit.click();
        const [request, answer] = await Promise.all([sent, answered]).catch(async (err: Error) =>
          assert.fail(`the button sent no start request: ${err.message}; ${await shown(page, failures)}`),
        );
        // The UI's own request: its CSRF header, and the input as the editor gave it to the page.
        assert.ok(request.headers()['x-csrf-token'], 'the start request carries the CSRF header the UI server asks for');
        const body = request.postDataJSON() as { input?: { payloads?: Payload[] } };
        assert.deepEqual(
          body.input?.payloads?.map((p) => Buffer.from(p.metadata?.encoding as unknown as string, 'base64').toString()),
          [form.encoding],
          `the UI sends the encoding chosen: ${request.postData()}`,
        );
        assert.deepEqual(
          body.input?.payloads?.map((p) => defaultPayloadConverter.fromPayload(decodedPayload(p))),
          [input],
          `the UI sends the README's input as one ${form.encoding} payload: ${request.postData()}`,
        );
        if (answer.status() !== 200)
          assert.fail(`the UI's start request is refused with ${answer.status()}: ${await answer.text()}; ${await shown(page, failures)}`);
        const { runId } = (await answer.json()) as { runId: string };
        await page
          .getByText('Workflow started successfully')
          .waitFor({ timeout: 10_000 })
          .catch(async () => assert.fail(`the UI reports no start; ${await shown(page, failures)}`));

        const handle = env.client.workflow.getHandle<typeof platformLifecycle>(form.workflowId, runId);
        const description = await handle.describe();
        assert.equal(description.type, form.workflowType, 'the run is of the workflow type typed in');
        assert.equal(description.taskQueue, form.taskQueue, 'the run is on the task queue typed in');
        const history = await handle.fetchHistory();
        const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
        assert.equal(payloads.length, 1, 'the run starts with one argument');
        assert.deepEqual(defaultPayloadConverter.fromPayload(payloads[0]!), input, "the run's input is the README's");

        // The workers' activity doubles carry the run to steady state, every stack of the README's spec deployed.
        const state = await step('the run reaches steady state', 45_000, () =>
          waitForState(handle, (s) => s.phase.name === 'steady-state', 40_000),
        );
        assert.equal(state.platform, 'demo', "the run deploys the README's platform");
        assert.equal(state.environment, 'dev', "the run deploys the README's environment");
        assert.deepEqual(
          state.stacks.map((s) => [s.name, s.status]),
          [
            ['crds', 'healthy'],
            ['cert-manager', 'healthy'],
            ['ingress', 'healthy'],
          ],
        );
      } finally {
        await page.close();
        // The run would watch its stacks for ever; none is left open for the workers' shutdown.
        await env.client.workflow
          .getHandle(form.workflowId)
          .terminate('the test is over')
          .catch(() => undefined);
        await stopWorkers();
      }
    },
  );
});

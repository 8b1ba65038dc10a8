import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { stateQuery } from '../../src/workflows/definitions.js';
import { startUiServer } from '../../src/ui/server.js';
import { loopbackBrowser, type LoopbackBrowser } from '../support/browser.js';
import { activityDoubles, type LiveApplication } from '../support/doubles.js';
import { startLifecycle, startWorkers, uniqueName, waitForState } from '../support/harness.js';
import { diamond, platformDocument } from '../support/specs.js';
import { startTemporal, workflowBundle } from '../support/temporal.js';
import { step } from '../support/step.js';
import { repoRoot } from '../support/tools.js';

const token = 'ui-test-token-0123456789';
const screenshots = join(repoRoot, 'docs/images');

let env: TestWorkflowEnvironment;
let browser: LoopbackBrowser;
before(async () => {
  env = await step('the Temporal dev server starts', 60_000, startTemporal);
  browser = await step('chromium starts', 120_000, loopbackBrowser);
  // Built here, outside the test's limit: on a loaded machine it takes most of the time (37 s at a load of 15).
  await step('the workflow bundle builds', 120_000, workflowBundle);
  await mkdir(screenshots, { recursive: true });
});
after(async () => {
  if (browser) await step('chromium closes', 30_000, () => browser.close());
  if (env) await step('the Temporal dev server stops', 60_000, () => env.teardown());
});

describe('baton ui in a real browser', { timeout: 90_000 }, () => {
  it('shows the DAG live, resumes with the token, refuses a teardown without it, and draws the report offline', async () => {
    const failing = new Set(['left']);
    const liveApplications = new Map<string, LiveApplication>();
    const doubles = activityDoubles({ failing, liveApplications });
    const prefix = uniqueName('test');
    const stopWorkers = await step('the workers start', 30_000, () => startWorkers(env, doubles.zones, prefix));
    try {
      const platform = uniqueName('web');
      // The id a deployment gets (baton/PLATFORM/ENV), as the pages and the report address runs.
      const handle = await step('the run starts', 30_000, () =>
        startLifecycle(env.client, prefix, { spec: platformDocument(platform, diamond), environment: 'dev' }, `baton/${platform}/dev`),
      );
      await step('the run stops at the failed stack left and waits', 30_000, () =>
        waitForState(handle, (s) => s.stacks.some((stack) => stack.name === 'left' && stack.status === 'failed') && s.waitingFor !== null),
      );
      const ui = await step('the web view listens', 15_000, () =>
        startUiServer({ client: env.client, namespace: 'default', host: '127.0.0.1', port: 0, token, openViewing: false }),
      );
      const page = await step('a page opens', 30_000, () => browser.context.newPage());
      // Playwright's own waits end before the step's, so a failure names the locator it waited for.
      page.setDefaultTimeout(10_000);
      try {
        const statusOf = (stack: string) => page.locator(`svg.dag g[data-stack="${stack}"]`).getAttribute('data-status');
        const environmentUrl = `${ui.url}/environment?id=${encodeURIComponent(handle.workflowId)}`;

        // Without the token nothing is shown; with it (the link baton ui prints) the page and its stream open.
        const closed = await step('the environment page without the token', 15_000, () => page.goto(environmentUrl));
        assert.equal(closed?.status(), 401);
        await step('the environment page with the token', 15_000, () => page.goto(`${environmentUrl}&token=${token}`));
        assert.deepEqual(
          await step('the DAG statuses', 15_000, async () => ({
            base: await statusOf('base'),
            left: await statusOf('left'),
            right: await statusOf('right'),
            top: await statusOf('top'),
          })),
          { base: 'healthy', left: 'failed', right: 'healthy', top: 'blocked' },
        );
        let navigations = 0;
        page.on('framenavigated', () => navigations++);

        // Resume from the page: confirmation, acting name, token; the change arrives over the event stream.
        failing.clear();
        await step('the resume dialog filled and confirmed', 15_000, async () => {
          await page.click('button[data-action="resume"]');
          await page.fill('dialog input[name="name"]', 'ana');
          await page.fill('dialog input[name="reason"]', 'left fixed');
          await page.fill('dialog input[name="token"]', token);
          await page.click('dialog button[value="confirm"]');
        });
        await step('the page shows the resume accepted', 15_000, () => page.locator('#result.accepted').waitFor());
        await step('the page shows top healthy without a reload', 30_000, () =>
          page.locator('svg.dag g[data-stack="top"][data-status="healthy"]').waitFor({ timeout: 25_000 }),
        );
        await step('the page shows phase 3 current', 30_000, () =>
          page.locator('.phases li.current[data-phase="3"]').waitFor({ timeout: 25_000 }),
        );
        // The acting name goes to Temporal in the update's request, where the run's history keeps it.
        const history = await handle.fetchHistory();
        const resumeRequests = (history.events ?? []).flatMap((event) => {
          const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
          return request?.name === 'resume'
            ? (request.args?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p as Payload))
            : [];
        });
        assert.deepEqual(resumeRequests, [{ requestedBy: 'ana', reason: 'left fixed' }]);

        // A drift Argo CD reports shows within 2 s of the run recording it, without a reload.
        liveApplications.set('right', { sync: 'OutOfSync', health: 'Healthy', message: 'Deployment right/right: OutOfSync' });
        await step('the run records right OutOfSync', 30_000, () =>
          waitForState(handle, (s) => s.stacks.find((stack) => stack.name === 'right')?.live?.sync === 'OutOfSync'),
        );
        const drifted = Date.now();
        await step('the page shows right Healthy/OutOfSync', 15_000, () =>
          page.locator('svg.dag g[data-stack="right"] text.live', { hasText: 'Healthy/OutOfSync' }).waitFor(),
        );
        const shownAfter = Date.now() - drifted;
        assert.equal(navigations, 0, 'the page was not reloaded');
        await step('the environment screenshot', 15_000, () =>
          page.screenshot({ path: join(screenshots, 'ui-environment.png'), fullPage: true }),
        );

        // Teardown asks to confirm, and is refused without the token: the run stays in steady state.
        await step('the teardown dialog asks to confirm', 15_000, () => page.click('button[data-action="teardown"]'));
        assert.match((await page.textContent('#confirm-question')) ?? '', new RegExp(`^teardown ${handle.workflowId}\\?$`));
        await step('the teardown confirmed without the token', 15_000, async () => {
          await page.fill('dialog input[name="name"]', 'mallory');
          await page.click('dialog button[value="confirm"]');
        });
        await step('the page shows the teardown refused', 15_000, () => page.locator('#result.refused').waitFor());
        assert.match((await page.textContent('#result')) ?? '', /refused: the controls need the UI token/);
        assert.equal((await handle.query(stateQuery)).phase.number, 3);

        // The platforms page finds the run by its search attributes.
        await step('the platforms page', 15_000, () => page.goto(`${ui.url}/`));
        const row = page.locator('tr', { hasText: handle.workflowId });
        await step('the platforms page lists the run', 15_000, () => row.waitFor());
        assert.match((await row.textContent()) ?? '', new RegExp(`${platform}\\s*dev\\s*steady-state\\s*deployment\\s*running\\s*4/4`));
        await step('the platforms screenshot', 15_000, () => page.screenshot({ path: join(screenshots, 'ui-platforms.png') }));

        // The run report draws its gantt with the network blocked.
        await step('the report page', 15_000, () => page.goto(`${ui.url}/report?id=${encodeURIComponent(handle.workflowId)}`));
        const bars = await page.locator('svg.gantt rect').count();
        assert.ok(bars >= 5, `the gantt draws a bar per stack attempt (${bars})`);
        assert.ok((await page.locator('svg.gantt').boundingBox())!.height > 100, 'the gantt is drawn, not empty');
        await step('the report screenshot', 15_000, () => page.screenshot({ path: join(screenshots, 'ui-report.png'), fullPage: true }));

        assert.deepEqual(browser.blocked, [], 'the pages load nothing from the network');
        assert.ok(shownAfter < 2_000, `a change showed ${shownAfter} ms after Argo CD reported it`);
      } finally {
        // The page's event stream is an open connection: the page goes first, then the server closes.
        await step('the page closes', 15_000, () => page.close());
        await step('the web view closes', 15_000, () => ui.close());
        // A failed step may have let the run end; only a running one is terminated, so the step's error stays the one shown.
        if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('end of test');
      }
    } finally {
      await step('the workers stop', 60_000, stopWorkers);
    }
  });
});

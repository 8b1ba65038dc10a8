import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { warehouseWorkflowId } from '../../src/promotion/names.js';
import { decidedStages, type PromotionState } from '../../src/promotion/state.js';
import { lifecycleWorkflowId, type PlatformSpecInput } from '../../src/spec/index.js';
import { refusalMessage } from '../../src/cli/client.js';
import { notFound } from '../../src/cli/promotionRun.js';
import { startUiServer } from '../../src/ui/server.js';
import { promotionStateQuery, requestPromotionUpdate } from '../../src/workflows/promotionDefinitions.js';
import { loopbackBrowser, type LoopbackBrowser } from '../support/browser.js';
import { activityDoubles, resolvedCommit } from '../support/doubles.js';
import { startLifecycle, startWorkers, uniqueName, waitForState } from '../support/harness.js';
import { platformDocument } from '../support/specs.js';
import { startTemporal, workflowBundle } from '../support/temporal.js';
import { step } from '../support/step.js';
import { repoRoot } from '../support/tools.js';
import { freightId } from '../../src/promotion/freight.js';
import type { Client } from '@temporalio/client';

const token = 'ui-test-token-0123456789';

/** Polls the promotion's state until the predicate holds; the step's limit ends it. */
async function promotionReaches(client: Client, id: string, predicate: (s: PromotionState) => boolean): Promise<PromotionState> {
  for (;;) {
    const state = await client.workflow.getHandle(id).query(promotionStateQuery);
    if (predicate(state)) return state;
    if (decidedStages.includes(state.state)) throw new Error(`promotion ${id} ended ${state.state}: ${JSON.stringify(state, null, 2)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** dev runs freight (promoted by hand); prod takes it from dev after a soak of 0 and one approval: no Rollout, no verification. */
function promotedSpec(platform: string): PlatformSpecInput {
  const document = platformDocument(platform, [{ name: 'app' }]);
  return {
    ...document,
    spec: {
      ...document.spec,
      environments: [
        { name: 'dev', promotion: {} },
        {
          name: 'prod',
          namespaceSuffix: '-prod',
          promotion: { from: ['dev'], soak: '0s', approvals: { required: 1, from: ['release-lead', 'sre-lead'] } },
        },
      ],
    },
  };
}

let env: TestWorkflowEnvironment;
let browser: LoopbackBrowser;
before(async () => {
  env = await step('the Temporal dev server starts', 60_000, () => startTemporal());
  browser = await step('chromium starts', 120_000, loopbackBrowser);
  await step('the workflow bundle builds', 180_000, workflowBundle);
});
after(async () => {
  if (browser) await step('chromium closes', 30_000, () => browser.close());
  if (env) await step('the Temporal dev server stops', 60_000, () => env.teardown());
});

describe('promotions in a real browser', { timeout: 150_000 }, () => {
  it('approves a promotion from the promotions page, its trail shows it', async () => {
    const platform = uniqueName('promo');
    const branch = resolvedCommit('main');
    const freight = freightId(branch);
    const dev = lifecycleWorkflowId(platform, 'dev');
    // What the promotion zone's doubles tell the promotion of dev: it has run the freight healthy since a minute ago.
    const since = new Date(Date.now() - 60_000).toISOString();
    const environments = new Map([
      [dev, { freight: { id: freight, revision: branch, deployedAt: since }, verifiedFreight: [], healthySince: since, phase: 3 }],
    ]);
    // The warehouse finds the branch at the commit dev pinned, so the freight it promotes is the one dev runs.
    const doubles = activityDoubles({ promotion: { previous: null, environments, branch: { revision: branch } } });
    const prefix = uniqueName('test');
    const stopWorkers = await step('the workers start', 30_000, () => startWorkers(env, doubles.zones, prefix));
    const started: string[] = [];
    try {
      // dev's run pins the branch's commit as its first freight and starts the warehouse in phase 3.
      const devRun = await step('dev deploys', 60_000, async () => {
        const handle = await startLifecycle(env.client, prefix, { spec: promotedSpec(platform), environment: 'dev' }, dev);
        started.push(dev, warehouseWorkflowId(platform));
        await waitForState(handle, (s) => s.phase.number === 3 && s.freight?.id === freight, 55_000);
        return handle;
      });
      assert.equal((await devRun.describe()).status.name, 'RUNNING');
      // As `baton promote PLATFORM --to prod --as release-lead` asks the warehouse.
      const { promotionId } = await step('the warehouse starts the promotion to prod', 30_000, async () => {
        for (;;) {
          try {
            return await env.client.workflow
              .getHandle(warehouseWorkflowId(platform))
              .executeUpdate(requestPromotionUpdate, { args: [{ environment: 'prod', requestedBy: 'release-lead' }] });
          } catch (err) {
            // dev's run starts the warehouse just after it reports phase 3, and the warehouse may not have found the branch's freight yet.
            const refusal = refusalMessage(err);
            if (!notFound(err) && (refusal === undefined || !/freight/i.test(refusal)))
              throw new Error(`requestPromotion: ${refusal ?? String(err)}`, { cause: err });
            await new Promise((resolve) => setTimeout(resolve, 300));
          }
        }
      });
      started.push(promotionId);
      await step('the promotion waits for an approval', 30_000, () =>
        promotionReaches(env.client, promotionId, (s) => s.state === 'waiting-approval'),
      );

      const ui = await step('the web view listens', 15_000, () =>
        startUiServer({ client: env.client, namespace: 'default', host: '127.0.0.1', port: 0, token, openViewing: false }),
      );
      const page = await step('a page opens', 30_000, () => browser.context.newPage());
      page.setDefaultTimeout(15_000);
      try {
        // From the environment page, its link to the platform's promotions.
        await step('the environment page', 20_000, () => page.goto(`${ui.url}/environment?id=${encodeURIComponent(dev)}&token=${token}`));
        await step('its promotions link', 20_000, async () => {
          await page.click('main a[href^="/promotions?platform="]');
          await page.waitForURL(new RegExp(`/promotions\\?platform=${platform}$`));
        });

        const card = page.locator(`[data-promotion-id="${promotionId}"]`);
        await step('the promotion card', 15_000, () => card.waitFor());
        assert.equal(await card.getAttribute('data-state'), 'waiting-approval');
        assert.match((await card.locator('[data-gate="soak"]').textContent()) ?? '', /✓ soak: dev ran .* healthy for at least 0s/);
        assert.equal(await page.locator(`.pipeline tr[data-freight="${freight}"] td[data-environment="dev"]`).textContent(), 'deployed');

        const decide = async (button: 'approve' | 'reject', name: string, reason: string, withToken = true) => {
          await card.locator(`button[data-action="${button}"]`).click();
          assert.equal(await page.textContent('#confirm-question'), `${button} ${promotionId}?`);
          await page.fill('dialog input[name="name"]', name);
          await page.fill('dialog input[name="reason"]', reason);
          if (withToken) await page.fill('dialog input[name="token"]', token);
          await page.click('dialog button[value="confirm"]');
        };

        // An approver the policy does not name is refused with the validator's message; so is a missing token.
        await step('an approval by mallory is refused', 20_000, async () => {
          await decide('approve', 'mallory', 'looks fine');
          await page.locator('#result.refused').waitFor();
        });
        const refusal = (await page.textContent('#result')) ?? '';
        assert.match(refusal, /^refused: .*mallory/);
        await step('an approval without the token is refused', 20_000, async () => {
          await decide('approve', 'sre-lead', 'no token', false);
          await page.locator('#result.refused', { hasText: 'UI token' }).waitFor();
        });

        await step('sre-lead approves from the page', 20_000, async () => {
          await decide('approve', 'sre-lead', 'dev soaked');
          await page.locator('#result.accepted').waitFor();
        });
        assert.match((await page.textContent('#result')) ?? '', /^approved by sre-lead: /);
        // The card the answer brings shows the approval in the trail at once.
        const trail = page.locator(`[data-promotion-id="${promotionId}"] table tr`, { hasText: 'sre-lead' });
        await step('the trail shows the approval', 15_000, () => trail.waitFor());
        assert.match((await trail.textContent()) ?? '', /sre-lead\s*approve\s*promotion\s*dev soaked/);
        await step('the promotions screenshot', 15_000, () =>
          page.screenshot({ path: join(repoRoot, 'docs/images/ui-promotions.png'), fullPage: true }),
        );

        // The approval reached the promotion: it went on to succeed, and its history names the approver.
        const final = await step('the promotion succeeds', 30_000, () =>
          promotionReaches(env.client, promotionId, (s) => s.state === 'succeeded'),
        );
        assert.deepEqual(
          final.approvals.map((a) => [a.approver, a.kind, a.for, a.reason]),
          [['sre-lead', 'approve', 'promotion', 'dev soaked']],
        );
        const history = await env.client.workflow.getHandle(promotionId).fetchHistory();
        const accepted = (history.events ?? []).flatMap((e) => {
          const request = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
          return request?.name === 'approvePromotion'
            ? (request.args?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p as Payload))
            : [];
        });
        assert.deepEqual(accepted, [{ approver: 'sre-lead', reason: 'dev soaked' }]);
        await step('the decided promotion is listed', 20_000, async () => {
          await page.reload();
          await page.locator('section', { hasText: 'Decided' }).locator('tr', { hasText: promotionId }).waitFor();
        });

        assert.deepEqual(browser.blocked, [], 'the pages load nothing from the network');
      } finally {
        await step('the page closes', 15_000, () => page.close());
        await step('the web view closes', 15_000, () => ui.close());
      }
    } finally {
      for (const id of started) {
        const handle = env.client.workflow.getHandle(id);
        if ((await handle.describe().catch(() => undefined))?.status.name === 'RUNNING') await handle.terminate('end of test');
      }
      await step('the workers stop', 60_000, stopWorkers);
    }
  });
});

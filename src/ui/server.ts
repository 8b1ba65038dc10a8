import { serve } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { lifecycleHandle, refusalMessage, temporalUiLink } from '../cli/client.js';
import { sendDecision } from '../cli/commands/approval.js';
import { platformFreight } from '../cli/commands/freight.js';
import { platformPromotions } from '../cli/commands/promotions.js';
import { CliError } from '../cli/errors.js';
import { abortUpdate, resumeUpdate, stateQuery, teardownUpdate } from '../workflows/definitions.js';
import { describeFailure } from '../workflows/failures.js';
import { pageScript } from './clientScript.js';
import { environmentPage, environmentView } from './pages/environment.js';
import { platformRows } from './platformRows.js';
import { platformsPage } from './pages/platforms.js';
import { promotionCard, promotionPlatformsPage, promotionsPage, type Pipeline } from './pages/promotions.js';
import { runReportPage } from './runReport.js';
import { tokenMatches } from './token.js';

export interface UiOptions {
  client: Client;
  namespace: string;
  /** 127.0.0.1 unless `baton ui --host` says otherwise. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  token: string;
  /** Viewing without the token (`--open-viewing`); the controls always need it. */
  openViewing: boolean;
}

/** How often the event stream asks the run's state query: a change shows within this, well under 2 s. */
const pollMs = 500;

const actionSchema = z.object({
  action: z.enum(['resume', 'abort', 'teardown']),
  workflowId: z.string().min(1),
  name: z.string().trim().min(1, 'the acting name is required: it goes to Temporal as requestedBy'),
  reason: z.string().optional(),
});

const decisionSchema = z.object({
  kind: z.enum(['approve', 'reject']),
  promotionId: z.string().min(1),
  name: z.string().trim().min(1, 'the acting name is required: it goes to Temporal as the approver'),
  reason: z.string().optional(),
});

const cookieName = 'baton_ui_token';

/** The web app: the platforms, an environment's live page, its run report, and the controls as validated updates. */
export function uiApp(options: UiOptions): Hono {
  const { client, namespace, token } = options;
  const app = new Hono();
  /** The answer to a control sent without the token, or undefined when it carries it. */
  const unauthorized = (c: Context) =>
    tokenMatches(token, c.req.header('x-baton-token'))
      ? undefined
      : c.json({ message: 'the controls need the UI token that `baton ui` printed (or the one in its --token-file)' }, 401);

  // `?token=` (the link `baton ui` prints) becomes a cookie, so the event stream and later pages carry it.
  app.use('*', async (c, next) => {
    const given = c.req.query('token');
    if (given !== undefined && tokenMatches(token, given))
      setCookie(c, cookieName, given, { httpOnly: true, sameSite: 'Strict', path: '/' });
    const viewer = tokenMatches(token, given ?? getCookie(c, cookieName));
    if (!viewer && !options.openViewing && c.req.method === 'GET')
      return c.text('This Baton UI needs its token: open the link `baton ui` printed (…?token=…), or start it with --open-viewing.', 401);
    await next();
  });

  app.get('/assets/page.js', async (c) => c.body(await pageScript(), 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/', async (c) => c.html(platformsPage(await platformRows(client))));
  app.get('/environment', async (c) => {
    const id = requiredId(c);
    const state = await lifecycleHandle(client, id).query(stateQuery);
    return c.html(environmentPage(id, state, temporalUiLink(namespace, id)));
  });
  app.get('/report', async (c) => c.html(await runReportPage(client, requiredId(c))));
  app.get('/events', (c) => {
    const handle = lifecycleHandle(client, requiredId(c));
    return streamSSE(c, async (stream) => {
      let last = '';
      while (!stream.aborted) {
        try {
          const view = environmentView(await handle.query(stateQuery));
          if (view !== last) await stream.writeSSE({ event: 'view', data: view });
          last = view;
        } catch (err) {
          await stream.writeSSE({ event: 'unavailable', data: describeFailure(err) });
        }
        await stream.sleep(pollMs);
      }
    });
  });

  app.get('/promotions', async (c) => {
    const platform = c.req.query('platform');
    if (!platform) return c.html(promotionPlatformsPage([...new Set((await platformRows(client)).map((r) => r.platform))].sort()));
    const pipeline: Pipeline = await platformFreight(client, platform).then(
      (placements) => ({ placements }),
      (err: unknown) => {
        // No warehouse yet is a state of the platform, said on the page; anything else is the page's error.
        if (err instanceof CliError) return { unavailable: err.message };
        throw err;
      },
    );
    return c.html(promotionsPage(platform, pipeline, await platformPromotions(client, platform)));
  });

  app.post('/actions', async (c) => {
    const refused = unauthorized(c);
    if (refused) return refused;
    const parsed = actionSchema.safeParse(await c.req.json());
    if (!parsed.success) return c.json({ message: issues(parsed.error) }, 400);
    const { action, workflowId, name, reason } = parsed.data;
    const update = { resume: resumeUpdate, abort: abortUpdate, teardown: teardownUpdate }[action];
    try {
      const answer = await lifecycleHandle(client, workflowId).executeUpdate(update, { args: [{ requestedBy: name, reason }] });
      return c.json({ message: answer });
    } catch (err) {
      const refusal = refusalMessage(err);
      if (refusal === undefined) throw err;
      return c.json({ message: refusal }, 409);
    }
  });

  // An approval or rejection from the promotions page, as the validated update with the acting name as approver.
  app.post('/approvals', async (c) => {
    const refused = unauthorized(c);
    if (refused) return refused;
    const parsed = decisionSchema.safeParse(await c.req.json());
    if (!parsed.success) return c.json({ message: issues(parsed.error) }, 400);
    const { kind, promotionId, name, reason } = parsed.data;
    try {
      const answer = await sendDecision(client, promotionId, kind, { approver: name, ...(reason ? { reason } : {}) });
      if ('refusal' in answer) return c.json({ message: answer.refusal }, 409);
      return c.json({
        message: `${kind === 'approve' ? 'approved' : 'rejected'} by ${name}: ${answer.state.state}`,
        html: promotionCard(answer.state),
      });
    } catch (err) {
      if (err instanceof CliError) return c.json({ message: err.message }, 404);
      throw err;
    }
  });

  app.onError((err, c) => c.text(describeFailure(err), 500));
  return app;
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

function requiredId(c: Context): string {
  const id = c.req.query('id');
  if (!id) throw new Error('the page needs ?id=WORKFLOW_ID');
  return id;
}

/** Serves the app until close(); resolves once it listens, with its address. */
export function startUiServer(options: UiOptions): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: uiApp(options).fetch, hostname: options.host, port: options.port }, (info) =>
      resolve({
        url: `http://${options.host}:${info.port}`,
        // An open page holds its event stream: without closing the connections, close() would wait for every tab.
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      }),
    );
  });
}

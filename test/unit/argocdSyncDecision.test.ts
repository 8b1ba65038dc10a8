import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applicationSchema, type Application } from '../../src/activities/argocd/schemas.js';
import { syncDecision, type SyncDecision } from '../../src/activities/argocd/syncDecision.js';

/** A drill's stack as the sandbox's Argo CD v3.6.1 returned it once its automated sync had succeeded (managedFields left out). */
const succeeded = applicationSchema.parse(
  JSON.parse(readFileSync(new URL('../fixtures/argocd-applications/automated-sync-succeeded.json', import.meta.url), 'utf8')),
);
const { finishedAt } = succeeded.status!.operationState!;

/** The recorded Application with its status (and spec) changed the way the case needs. */
function variant(change: (app: Application & { status: NonNullable<Application['status']> }) => void): Application {
  const app = structuredClone(succeeded) as Application & { status: NonNullable<Application['status']> };
  change(app);
  return app;
}

const seconds = (iso: string | undefined, by: number) => new Date(Date.parse(iso!) + by * 1000).toISOString().replace('.000', '');

const cases: { name: string; app: Application; want: SyncDecision }[] = [
  { name: 'the automated sync succeeded and Argo CD has compared since: Synced', app: succeeded, want: 'applied' },
  {
    name: 'a sync is requested and not yet started',
    app: variant((a) => Object.assign(a, { operation: { sync: { revision: 'main' } } })),
    want: 'running',
  },
  {
    name: 'a sync is running',
    app: variant((a) => (a.status.operationState = { ...a.status.operationState!, phase: 'Running', finishedAt: undefined })),
    want: 'running',
  },
  {
    name: 'new, never synced, the automated sync about to start',
    app: variant((a) => {
      delete a.status.operationState;
      a.status.sync = { status: 'OutOfSync' };
    }),
    want: 'wait',
  },
  {
    name: 'new, never synced, and no automated sync',
    app: variant((a) => {
      delete a.status.operationState;
      delete a.spec.syncPolicy;
    }),
    want: 'sync',
  },
  {
    name: 'new, never synced, the automated policy turned off with enabled: false',
    app: variant((a) => {
      delete a.status.operationState;
      a.spec.syncPolicy = { automated: { enabled: false } };
    }),
    want: 'sync',
  },
  {
    name: 'the sync succeeded after the last comparison: its OutOfSync is from before it',
    app: variant((a) => {
      a.status.sync = { ...a.status.sync, status: 'OutOfSync' };
      a.status.reconciledAt = seconds(finishedAt, -2);
    }),
    want: 'wait',
  },
  {
    name: 'compared in the second the sync finished: maybe before it',
    app: variant((a) => {
      a.status.sync = { ...a.status.sync, status: 'OutOfSync' };
      a.status.reconciledAt = finishedAt;
    }),
    want: 'wait',
  },
  {
    name: 'OutOfSync on a comparison after the last sync (a day-2 change)',
    app: variant((a) => {
      a.status.sync = { ...a.status.sync, status: 'OutOfSync' };
      a.status.reconciledAt = seconds(finishedAt, 30);
    }),
    want: 'sync',
  },
  {
    name: 'the last sync failed',
    app: variant((a) => {
      a.status.sync = { ...a.status.sync, status: 'OutOfSync' };
      a.status.operationState = { ...a.status.operationState!, phase: 'Failed', message: 'one or more objects failed to apply' };
    }),
    want: 'sync',
  },
];

describe('syncDecision', () => {
  for (const c of cases) it(c.name, () => assert.equal(syncDecision(c.app), c.want));

  it('leaves an Application whose source Argo CD cannot reach to the automated sync', () => {
    const unreachable = applicationSchema.parse(
      JSON.parse(readFileSync(new URL('../fixtures/argocd-applications/chart-registry-unreachable.json', import.meta.url), 'utf8')),
    );
    assert.equal(syncDecision(unreachable), 'unreachable');
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { ArgoCdApiError, clusterApiAway, guarded, unreachableAddress } from '../../src/activities/argocd/errors.js';
import { assessApplication } from '../../src/activities/argocd/health.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import { applicationSchema, type Application } from '../../src/activities/argocd/schemas.js';

/** An Application as the sandbox's Argo CD v3.6.1 returned it (managedFields left out). */
function recorded(file: string): Application {
  return applicationSchema.parse(JSON.parse(readFileSync(new URL(`../fixtures/argocd-applications/${file}`, import.meta.url), 'utf8')));
}

function app(status: NonNullable<Application['status']>, operation?: unknown): Application {
  return { metadata: { name: 'demo-dev-ingress' }, spec: { project: 'demo' }, status, ...(operation ? { operation } : {}) };
}

const deployment = { kind: 'Deployment', namespace: 'ingress', name: 'controller' };

describe('assessApplication', () => {
  it('completes on Healthy and Synced with no operation pending', () => {
    assert.deepEqual(
      assessApplication(app({ health: { status: 'Healthy' }, sync: { status: 'Synced' }, operationState: { phase: 'Succeeded' } })),
      { state: 'healthy' },
    );
  });

  it('keeps waiting while a requested sync has not started, even when the old state was Healthy', () => {
    const result = assessApplication(
      app(
        { health: { status: 'Healthy' }, sync: { status: 'Synced' }, operationState: { phase: 'Succeeded' } },
        { sync: { revision: 'main' } },
      ),
    );
    assert.equal(result.state, 'progressing');
  });

  it('lists what is still progressing', () => {
    const result = assessApplication(
      app({
        health: { status: 'Progressing' },
        sync: { status: 'Synced' },
        resources: [
          {
            ...deployment,
            status: 'Synced',
            health: { status: 'Progressing', message: 'Waiting for rollout to finish: 0 of 2 updated replicas are available...' },
          },
          { kind: 'Service', namespace: 'ingress', name: 'controller', status: 'Synced', health: { status: 'Healthy' } },
        ],
      }),
    );
    assert.deepEqual(result, {
      state: 'progressing',
      waitingFor: [
        'Application demo-dev-ingress: Progressing/Synced',
        'Deployment ingress/controller: Progressing (Waiting for rollout to finish: 0 of 2 updated replicas are available...)',
      ],
    });
  });

  it('fails a failed sync with the per-resource messages', () => {
    const result = assessApplication(
      app({
        health: { status: 'Missing' },
        sync: { status: 'OutOfSync' },
        operationState: {
          phase: 'Failed',
          message: 'one or more objects failed to apply',
          syncResult: {
            resources: [
              { ...deployment, status: 'SyncFailed', message: 'Deployment.apps "controller" is invalid: spec.replicas: Invalid value: -1' },
            ],
          },
        },
      }),
    );
    assert.equal(result.state, 'failed');
    assert.match(
      (result as { reason: string }).reason,
      /one or more objects failed to apply\n {2}Deployment ingress\/controller: Deployment.apps "controller" is invalid/,
    );
  });

  it('fails when Argo CD cannot render the manifests, and when health is Degraded', () => {
    const broken = assessApplication(
      app({ sync: { status: 'Unknown' }, conditions: [{ type: 'ComparisonError', message: 'failed to unmarshal manifest' }] }),
    );
    assert.deepEqual(broken, {
      state: 'failed',
      reason: 'Argo CD cannot deploy demo-dev-ingress:\n  ComparisonError: failed to unmarshal manifest',
    });
    const degraded = assessApplication(
      app({
        health: { status: 'Degraded' },
        sync: { status: 'Synced' },
        resources: [{ ...deployment, health: { status: 'Degraded', message: 'ProgressDeadlineExceeded' } }],
      }),
    );
    assert.equal(degraded.state, 'failed');
    assert.match((degraded as { reason: string }).reason, /Deployment ingress\/controller: Degraded \(ProgressDeadlineExceeded\)/);
  });
});

describe('assessApplication on Applications recorded from Argo CD', () => {
  it('waits for a LoadBalancer Service no controller serves, naming it', () => {
    assert.deepEqual(assessApplication(recorded('load-balancer-progressing.json')), {
      state: 'progressing',
      waitingFor: ['Application recorded-it-frontend: Progressing/Synced', 'Service recorded-frontend/frontend-external: Progressing'],
    });
  });

  it("fails an autoscaler without a metrics API, Degraded by Argo CD's HPA health, with its message", () => {
    const result = assessApplication(recorded('autoscaler-degraded.json'));
    assert.equal(result.state, 'failed');
    assert.match(
      (result as { reason: string }).reason,
      /HorizontalPodAutoscaler recorded-web\/web: Degraded \(the HPA was unable to compute the replica count: .*unable to fetch metrics from resource metrics API/,
    );
  });

  it("fails a chart whose values its schema refuses, with Helm's message", () => {
    const result = assessApplication(recorded('chart-bad-value.json'));
    assert.equal(result.state, 'failed');
    assert.match(
      (result as { reason: string }).reason,
      /Error: values don't meet the specifications of the schema\(s\)[\s\S]*at '\/replicas': got string, want integer/,
    );
  });

  it('tells a chart registry that does not answer apart, with its address', () => {
    const result = assessApplication(recorded('chart-registry-unreachable.json'));
    assert.equal(result.state, 'unreachable');
    assert.equal((result as { address: string }).address, '127.0.0.1:5999');
    assert.match((result as { reason: string }).reason, /helm pull oci:\/\/127\.0\.0\.1:5999\/charts\/demo .*connection refused/);
  });

  describe('a sync Argo CD retries (its automated sync retries up to 5 times)', () => {
    const retrying = (message: string) =>
      app({
        health: { status: 'Missing' },
        sync: { status: 'OutOfSync' },
        operationState: { phase: 'Running', retryCount: 1, message, startedAt: '2026-12-03T14:29:50Z' },
      });

    it('fails at once on a failure a retry cannot mend', () => {
      const result = assessApplication(
        retrying(
          'one or more objects failed to apply, reason: Deployment.apps "controller" is invalid: spec.replicas: Invalid value: -1. Retrying attempt #1 at 2026-12-03T14:30:01Z.',
        ),
      );
      assert.equal(result.state, 'failed');
      assert.equal((result as { operationRunning?: boolean }).operationRunning, true);
      assert.match(
        (result as { reason: string }).reason,
        /failed \(Argo CD is retrying it\): one or more objects failed to apply, reason: Deployment.apps "controller" is invalid: spec.replicas: Invalid value: -1$/,
      );
    });

    it('waits for the retry when the API server was away', () => {
      const result = assessApplication(
        retrying(
          'error getting cached resources: Get "https://127.0.0.1:23693/api/v1/namespaces": dial tcp 127.0.0.1:23693: connect: connection refused. Retrying attempt #1 at 2026-12-03T14:30:01Z.',
        ),
      );
      assert.equal(result.state, 'progressing');
      assert.match((result as { waitingFor: string[] }).waitingFor[0]!, /Argo CD's retry #1 after error getting cached resources/);
    });

    it('waits while the retry runs', () => {
      const result = assessApplication(retrying('waiting for healthy state of /Namespace/drill-mx7n1hav'));
      assert.equal(result.state, 'progressing');
      assert.match((result as { waitingFor: string[] }).waitingFor[0]!, /retry #1 running: waiting for healthy state/);
    });
  });

  describe('a SyncError condition', () => {
    const after = (conditionAt: string) =>
      app({
        health: { status: 'Healthy' },
        sync: { status: 'Synced' },
        operationState: { phase: 'Succeeded', startedAt: '2026-12-03T14:39:01Z', finishedAt: '2026-12-03T14:39:05Z' },
        conditions: [
          {
            type: 'SyncError',
            message: 'Failed last sync attempt to [1adf40549f53bfac9879200988ee493017c9dca6]: Operation terminated (retried 1 times).',
            lastTransitionTime: conditionAt,
          },
        ],
      });

    it('raised before a sync that then succeeded is not the state: Argo CD clears it on its next refresh', () => {
      assert.deepEqual(assessApplication(after('2026-12-03T14:30:31Z')), { state: 'healthy' });
    });

    it('raised after the last sync fails the stack', () => {
      const result = assessApplication(after('2026-12-03T14:39:30Z'));
      assert.equal(result.state, 'failed');
      assert.match((result as { reason: string }).reason, /SyncError: Failed last sync attempt/);
    });
  });
});

describe('unreachableAddress', () => {
  it('finds the address of a refused or unresolved connection, and nothing in other errors', () => {
    assert.equal(
      unreachableAddress('Get "https://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused'),
      '127.0.0.1:5999',
    );
    assert.equal(unreachableAddress('dial tcp [::1]:5000: i/o timeout'), '[::1]:5000');
    assert.equal(
      unreachableAddress('Get "https://charts.example.com/index.yaml": dial tcp: lookup charts.example.com on 10.0.0.2:53: no such host'),
      'charts.example.com',
    );
    assert.equal(unreachableAddress("Error: values don't meet the specifications of the schema(s)"), undefined);
  });
});

describe('while Argo CD cannot reach its cluster', () => {
  const away = new ArgoCdApiError(
    'POST',
    '/api/v1/applications',
    500,
    'error while validating and normalizing app: error getting application by name: Get "https://127.0.0.1:23693/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/drill-30-mx7obbv4-0-g2-s26": dial tcp 127.0.0.1:23693: connect: connection refused',
  );
  const account = { account: async () => 'baton' };

  it("tells the cluster's API server being away from a source that does not answer and from other errors", () => {
    assert.equal(clusterApiAway(away), true);
    const registry = new ArgoCdApiError(
      'GET',
      '/api/v1/applications/x',
      500,
      'Get "https://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused',
    );
    assert.equal(clusterApiAway(registry), false);
    assert.equal(clusterApiAway(new ArgoCdApiError('POST', '/api/v1/applications', 400, away.argoMessage)), false);
  });

  it('a call waits it out and then succeeds', async () => {
    let calls = 0;
    const value = await guarded(account, async () => {
      if (++calls < 3) throw away;
      return 'created';
    });
    assert.deepEqual([value, calls], ['created', 3]);
  });

  it('any other error fails the call at once, as a typed activity failure', async () => {
    let calls = 0;
    await assert.rejects(
      guarded(account, async () => {
        calls++;
        throw new ArgoCdApiError('POST', '/api/v1/applications', 403, 'permission denied');
      }),
      (err: unknown) => err instanceof ApplicationFailure && err.type === failureTypes.argoCdPermissionDenied,
    );
    assert.equal(calls, 1);
  });
});

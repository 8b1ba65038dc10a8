import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessApplication } from '../../src/activities/argocd/health.js';
import type { Application } from '../../src/activities/argocd/schemas.js';

function app(status: NonNullable<Application['status']>, operation?: unknown): Application {
  return { metadata: { name: 'demo-dev-ingress' }, spec: { project: 'demo' }, status, ...(operation ? { operation } : {}) };
}

const deployment = { kind: 'Deployment', namespace: 'ingress', name: 'controller' };

describe('assessApplication', () => {
  it('completes on Healthy and Synced with no operation pending', () => {
    assert.deepEqual(assessApplication(app({ health: { status: 'Healthy' }, sync: { status: 'Synced' }, operationState: { phase: 'Succeeded' } })), { state: 'healthy' });
  });

  it('keeps waiting while a requested sync has not started, even when the old state was Healthy', () => {
    const result = assessApplication(app({ health: { status: 'Healthy' }, sync: { status: 'Synced' }, operationState: { phase: 'Succeeded' } }, { sync: { revision: 'main' } }));
    assert.equal(result.state, 'progressing');
  });

  it('lists what is still progressing', () => {
    const result = assessApplication(
      app({
        health: { status: 'Progressing' },
        sync: { status: 'Synced' },
        resources: [
          { ...deployment, status: 'Synced', health: { status: 'Progressing', message: 'Waiting for rollout to finish: 0 of 2 updated replicas are available...' } },
          { kind: 'Service', namespace: 'ingress', name: 'controller', status: 'Synced', health: { status: 'Healthy' } },
        ],
      }),
    );
    assert.deepEqual(result, {
      state: 'progressing',
      waitingFor: ['Application demo-dev-ingress: Progressing/Synced', 'Deployment ingress/controller: Progressing (Waiting for rollout to finish: 0 of 2 updated replicas are available...)'],
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
          syncResult: { resources: [{ ...deployment, status: 'SyncFailed', message: 'Deployment.apps "controller" is invalid: spec.replicas: Invalid value: -1' }] },
        },
      }),
    );
    assert.equal(result.state, 'failed');
    assert.match((result as { reason: string }).reason, /one or more objects failed to apply\n {2}Deployment ingress\/controller: Deployment.apps "controller" is invalid/);
  });

  it('fails when Argo CD cannot render the manifests, and when health is Degraded', () => {
    const broken = assessApplication(app({ sync: { status: 'Unknown' }, conditions: [{ type: 'ComparisonError', message: 'failed to unmarshal manifest' }] }));
    assert.deepEqual(broken, { state: 'failed', reason: 'Argo CD cannot deploy demo-dev-ingress:\n  ComparisonError: failed to unmarshal manifest' });
    const degraded = assessApplication(app({ health: { status: 'Degraded' }, sync: { status: 'Synced' }, resources: [{ ...deployment, health: { status: 'Degraded', message: 'ProgressDeadlineExceeded' } }] }));
    assert.equal(degraded.state, 'failed');
    assert.match((degraded as { reason: string }).reason, /Deployment ingress\/controller: Degraded \(ProgressDeadlineExceeded\)/);
  });
});

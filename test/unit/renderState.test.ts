import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderState } from '../../src/cli/renderState.js';
import { phase, type LifecycleState } from '../../src/workflows/state.js';

function steadyState(events: LifecycleState['steadyStateEvents']): LifecycleState {
  return {
    workflowId: 'baton/demo/dev',
    platform: 'demo',
    environment: 'dev',
    phase: phase(3),
    outcome: 'running',
    waitingFor: 'teardown request',
    error: null,
    authority: { platform: 'deployment' },
    holderIds: {},
    credentialsRef: null,
    stacks: [
      { name: 'web', dependsOn: [], status: 'healthy', attempts: 1, startedAt: null, healthyAt: null, finishedAt: null, message: null },
    ],
    ledger: [],
    steadyStateEvents: events,
    freight: null,
    verifiedFreight: [],
    promotion: null,
    startedAt: '2026-11-27T07:00:00.000Z',
  };
}

const event = (n: number) => ({
  stack: 'web',
  sync: n % 2 ? 'OutOfSync' : 'Synced',
  health: 'Healthy',
  message: `change ${n}`,
  at: `2026-11-27T07:${String(n).padStart(2, '0')}:00.000Z`,
});

describe('baton status for people', () => {
  it('shows the latest steady-state events, newest last, and says how many there are', () => {
    const lines = renderState(steadyState(Array.from({ length: 7 }, (_, i) => event(i + 1)))).split('\n');
    const heading = lines.indexOf('steady-state events (latest 5 of 7):');
    assert.ok(heading > 0, lines.join('\n'));
    assert.deepEqual(
      lines.slice(heading + 1, heading + 6),
      [3, 4, 5, 6, 7].map((n) => `  ${event(n).at}  web: Healthy/${event(n).sync}  change ${n}`),
    );
  });

  it('says nothing of steady-state events while there are none', () => {
    assert.doesNotMatch(renderState(steadyState([])), /steady-state events/);
  });
});

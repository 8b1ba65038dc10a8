import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stateChanges } from '../../src/cli/stateChanges.js';
import { phase, type LedgerEntry, type LifecycleState, type StackState } from '../../src/workflows/state.js';

// The lines carry local wall-clock time; the expectations are written in UTC.
process.env.TZ = 'UTC';

const at = (time: string) => `2026-11-27T${time.includes('.') ? time : `${time}.000`}Z`;
const seenAt = Date.parse(at('08:40:00'));

function stack(name: string, fields: Partial<StackState> = {}): StackState {
  return {
    name,
    dependsOn: [],
    status: 'pending',
    attempts: 0,
    startedAt: null,
    healthyAt: null,
    finishedAt: null,
    message: null,
    ...fields,
  };
}

function handoff(from: LedgerEntry['from'], to: LedgerEntry['to'], time: string, reason: string): LedgerEntry {
  return { concern: 'platform', from, to, at: at(time), reason, sender: 'baton/demo/dev', accepted: true };
}

function run(fields: Partial<LifecycleState>): LifecycleState {
  return {
    workflowId: 'baton/demo/dev',
    platform: 'demo',
    environment: 'dev',
    phase: phase(2),
    outcome: 'running',
    waitingFor: null,
    error: null,
    authority: { platform: 'orchestration' },
    holderIds: {},
    credentialsRef: null,
    stacks: [],
    ledger: [],
    steadyStateEvents: [],
    freight: null,
    verifiedFreight: [],
    promotion: null,
    startedAt: at('08:30:00'),
    ...fields,
  };
}

const deploying = (name: string, time: string, attempts = 1) => stack(name, { status: 'deploying', attempts, startedAt: at(time) });
const healthy = (name: string, from: string, to: string) =>
  stack(name, { status: 'healthy', attempts: 1, startedAt: at(from), finishedAt: at(to), healthyAt: at(to) });

describe('the watch prints a line per change', () => {
  it('says nothing when nothing changed', () => {
    const state = run({ stacks: [deploying('cert-manager', '08:31:00')] });
    assert.deepEqual(stateChanges(state, structuredClone(state), seenAt), []);
  });

  it('gives a stack its old and new status, when it happened, how long it took and its message, in the order they happened', () => {
    const before = run({ stacks: [deploying('cert-manager', '08:30:48'), stack('frontend'), deploying('web', '08:30:50')] });
    const after = run({
      stacks: [
        healthy('cert-manager', '08:30:48', '08:31:02.200'),
        deploying('frontend', '08:31:02'),
        stack('web', {
          status: 'failed',
          attempts: 1,
          startedAt: at('08:30:50'),
          finishedAt: at('08:31:01'),
          message: 'Deployment/web has 0/1 ready replicas',
        }),
      ],
    });
    assert.deepEqual(stateChanges(before, after, seenAt), [
      '08:31:01  web           deploying -> failed  11.0s  Deployment/web has 0/1 ready replicas',
      '08:31:02  cert-manager  deploying -> healthy  14.2s',
      '08:31:02  frontend      pending -> deploying',
    ]);
  });

  it('names the attempt once a stack is tried again', () => {
    const before = run({
      stacks: [stack('web', { status: 'pending', attempts: 1, startedAt: at('08:30:50'), finishedAt: at('08:31:01') })],
    });
    const after = run({ stacks: [deploying('web', '08:35:00', 2)] });
    assert.deepEqual(stateChanges(before, after, seenAt), ['08:35:00  web  pending -> deploying  attempt 2']);
  });

  it('puts the stacks that finished before the phase change and its handoff, and the stacks that start after', () => {
    const lastDeploy = run({ stacks: [healthy('crds', '08:30:40', '08:30:45'), deploying('app', '08:30:45')] });
    const steady = run({
      phase: phase(3),
      authority: { platform: 'deployment' },
      waitingFor: 'teardown request',
      stacks: [healthy('crds', '08:30:40', '08:30:45'), healthy('app', '08:30:45', '08:31:10')],
      ledger: [handoff('orchestration', 'deployment', '08:31:10', 'every stack is healthy')],
    });
    assert.deepEqual(stateChanges(lastDeploy, steady, seenAt), [
      '08:31:10  app   deploying -> healthy  25.0s',
      '08:31:10  phase 2 (orchestration) -> 3 (steady-state)',
      '08:31:10  authority platform: orchestration -> deployment  every stack is healthy',
      '08:40:00  waiting for: teardown request',
    ]);

    const teardown = run({
      phase: phase(4),
      stacks: [
        { ...healthy('crds', '08:30:40', '08:30:45'), status: 'pending', attempts: 0 },
        { ...healthy('app', '08:30:45', '08:31:10'), status: 'deleting', startedAt: at('08:50:00') },
      ],
      ledger: [...steady.ledger, handoff('deployment', 'orchestration', '08:50:00', 'teardown requested by oncall')],
    });
    assert.deepEqual(stateChanges(steady, teardown, Date.parse(at('08:50:01'))), [
      '08:50:00  phase 3 (steady-state) -> 4 (teardown)',
      '08:50:00  authority platform: deployment -> orchestration  teardown requested by oncall',
      '08:50:00  app   healthy -> deleting',
      '08:50:01  crds  healthy -> pending',
      '08:50:01  no longer waiting for: teardown request',
    ]);
  });

  it('prints only the steady-state events it has not printed, though the run keeps a sliding window of them', () => {
    const event = (n: number) => ({
      stack: 'web',
      sync: n % 2 ? 'OutOfSync' : 'Synced',
      health: 'Healthy',
      message: `change ${n}`,
      at: at(`08:3${n}:00`),
    });
    const before = run({ phase: phase(3), stacks: [healthy('web', '08:30:00', '08:30:05')], steadyStateEvents: [1, 2, 3].map(event) });
    const after = { ...before, steadyStateEvents: [2, 3, 4, 5].map(event) };
    assert.deepEqual(stateChanges(before, after, seenAt), [
      '08:34:00  web  Argo CD: Healthy/Synced  change 4',
      '08:35:00  web  Argo CD: Healthy/OutOfSync  change 5',
    ]);
  });

  it('says when the run stops on an error, waits for an operator, is resumed, and ends', () => {
    const deployingState = run({ stacks: [deploying('web', '08:30:50')] });
    const stopped = run({
      stacks: [
        stack('web', { status: 'failed', attempts: 1, startedAt: at('08:30:50'), finishedAt: at('08:31:00'), message: 'not Healthy' }),
      ],
      waitingFor: 'resume after fixing web, or teardown or abort',
    });
    assert.deepEqual(stateChanges(deployingState, stopped, seenAt), [
      '08:31:00  web  deploying -> failed  10.0s  not Healthy',
      '08:40:00  waiting for: resume after fixing web, or teardown or abort',
    ]);
    const bootstrapFailed = run({
      phase: phase(1),
      error: 'the playbook failed: exit 2',
      waitingFor: 'resume after fixing the cause, or abort',
    });
    const resumed = { ...bootstrapFailed, error: null, waitingFor: null };
    assert.deepEqual(stateChanges(bootstrapFailed, resumed, seenAt), [
      '08:40:00  error cleared',
      '08:40:00  no longer waiting for: resume after fixing the cause, or abort',
    ]);
    assert.deepEqual(stateChanges(resumed, { ...resumed, outcome: 'aborted' }, seenAt), ['08:40:00  run running -> aborted']);
  });

  it('marks a rejected handoff and gives the rejection', () => {
    const before = run({ phase: phase(3) });
    const rejected = {
      ...handoff('deployment', 'orchestration', '08:33:00', 'handoff from baton/demo/other'),
      accepted: false,
      rejection: 'not the holder',
    };
    assert.deepEqual(stateChanges(before, { ...before, ledger: [rejected] }, seenAt), [
      '08:33:00  authority platform: deployment -> orchestration REJECTED  handoff from baton/demo/other (not the holder)',
    ]);
  });

  it('says when a day-2 change starts, first, and when it is applied or parks', () => {
    const plan = { added: ['search'], changed: ['api'], removed: ['old'], untouched: ['crds'] };
    const applying = { requestedBy: 'ana', reason: 'search for the shop', plan, status: 'applying' as const, startedAt: at('08:35:00') };
    const steady = run({ phase: phase(3), authority: { platform: 'deployment' } });
    const started = run({ change: applying, ledger: [handoff('deployment', 'orchestration', '08:35:00', 'apply by ana')] });
    assert.deepEqual(stateChanges(steady, started, seenAt), [
      '08:35:00  change by ana: applying (1 to add, 1 to change, 1 to remove, 1 untouched)  search for the shop',
      '08:35:00  phase 3 (steady-state) -> 2 (orchestration)',
      '08:35:00  authority platform: deployment -> orchestration  apply by ana',
    ]);
    const parked = run({ change: { ...applying, status: 'failed', finishedAt: at('08:36:00') } });
    assert.deepEqual(stateChanges(started, parked, seenAt), [
      '08:36:00  change by ana: failed: the run waits for resume (1 to add, 1 to change, 1 to remove, 1 untouched)  search for the shop',
    ]);
    const applied = run({ change: { ...applying, status: 'applied', finishedAt: at('08:37:00') } });
    assert.deepEqual(stateChanges(parked, applied, seenAt), [
      '08:37:00  change by ana: applied (1 to add, 1 to change, 1 to remove, 1 untouched)  search for the shop',
    ]);
  });
});

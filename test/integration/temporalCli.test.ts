import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createWorkers, runWorkers } from '../../src/worker/workers.js';
import type { PromotionState } from '../../src/promotion/state.js';
import { promotion } from '../../src/workflows/promotion.js';
import { promotionStateQuery } from '../../src/workflows/promotionDefinitions.js';
import type { PromotionInput } from '../../src/workflows/promotionInput.js';
import type { LifecycleState } from '../../src/workflows/state.js';
import { defaultTaskQueuePrefix, workflowTaskQueue } from '../../src/workflows/taskQueues.js';
import { activityDoubles } from '../support/doubles.js';
import { wholeLifeHandoffs } from '../support/harness.js';
import { readmeCommands } from '../support/readmeCommands.js';
import { startTemporal, workflowBundle } from '../support/temporal.js';
import { repoRoot, toolPath } from '../support/tools.js';

const run = promisify(execFile);
const sandboxAddress = '127.0.0.1:17233';
const examples = readmeCommands('Driving Baton with the temporal CLI');
const workflowId = 'baton/demo/dev';

// The examples use fixed ids and the default task queues; a private server keeps them from meeting another run.
delete process.env.TEMPORAL_ADDRESS;

let env: TestWorkflowEnvironment;
/** Stacks whose health wait fails; clearing it is fixing the fault. */
const failingStacks = new Set(['cert-manager']);
const doubles = activityDoubles({ failing: failingStacks });
let workers: Promise<void>;
let stopWorkers: () => void;

before(async () => {
  env = await startTemporal();
  const set = await createWorkers({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueuePrefix: defaultTaskQueuePrefix,
    workflows: true,
    zones: doubles.zones,
    workflowBundle: await workflowBundle(),
  });
  workers = runWorkers(set);
  stopWorkers = () => set.forEach((w) => w.getState() === 'RUNNING' && w.shutdown());
});
after(async () => {
  stopWorkers?.();
  await workers;
  await env?.teardown();
});

const used = new Set<string[]>();

/** The one README example of `temporal workflow <subcommand>` (with `--name <name>`). */
function example(subcommand: string, name?: string): string[] {
  const found = examples.filter(
    (args) =>
      args.slice(1).join(' ').startsWith(`workflow ${subcommand} `) && (name === undefined || args[args.indexOf('--name') + 1] === name),
  );
  assert.equal(found.length, 1, `one README example of temporal workflow ${subcommand} ${name ?? ''}`);
  used.add(found[0]!);
  return found[0]!;
}

/** Runs an example with the real temporal binary, pointed at this test's server instead of the sandbox. */
async function temporal(args: string[]): Promise<string> {
  assert.equal(args[args.indexOf('--address') + 1], sandboxAddress, `the example talks to the sandbox: ${args.join(' ')}`);
  const { stdout } = await run(
    toolPath('temporal'),
    args.slice(1).map((a) => (a === sandboxAddress ? env.address : a)),
  );
  return stdout;
}

/** The baton CLI, pointed at this test's server. */
function baton(...args: string[]) {
  return run(process.execPath, [`${repoRoot}bin/baton.js`, ...args], { env: { ...process.env, TEMPORAL_ADDRESS: env.address } });
}

async function queryState(): Promise<LifecycleState> {
  const answer = JSON.parse(await temporal(example('query', 'state'))) as { queryResult: LifecycleState[] };
  return answer.queryResult[0]!;
}

async function eventually<T>(what: string, attempt: () => Promise<T | undefined>, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the README examples of the temporal CLI, run with the real binary', () => {
  it('start, query, resume a failed stack, list by search attributes, tear down by signal', async () => {
    const started = await temporal(example('start'));
    assert.match(started, new RegExp(`WorkflowId\\s+${workflowId}`));
    const runId = /RunId\s+(\S+)/.exec(started)?.[1];
    assert.ok(runId, started);

    const failed = await eventually('cert-manager failing', async () => {
      const state = await queryState();
      return state.stacks.find((s) => s.name === 'cert-manager')?.status === 'failed' ? state : undefined;
    });
    assert.deepEqual(failed.phase, { number: 2, name: 'orchestration' });
    assert.deepEqual(
      failed.stacks.map((s) => [s.name, s.status]),
      [
        ['crds', 'healthy'],
        ['cert-manager', 'failed'],
        ['ingress', 'blocked'],
      ],
    );
    assert.match(failed.stacks[1]!.message ?? '', /Degraded/);

    failingStacks.clear();
    const resumed = await temporal(example('update execute', 'resume'));
    assert.match(resumed, /resume accepted in phase 2/);

    const steady = await eventually('steady state', async () => {
      const state = await queryState();
      return state.phase.name === 'steady-state' ? state : undefined;
    });
    assert.ok(steady.stacks.every((s) => s.status === 'healthy'));
    assert.equal(steady.authority.platform, 'deployment');

    const listed = await eventually('the run in the list', async () => {
      const out = await temporal(example('list'));
      return out.includes(workflowId) ? out : undefined;
    });
    assert.match(listed, /Running/);

    const planned = JSON.parse(await temporal([...example('update execute', 'applySpec'), '--output', 'json'])) as { result?: unknown };
    assert.deepEqual(planned.result ?? planned, {
      added: ['monitoring'],
      changed: [],
      removed: [],
      untouched: ['crds', 'cert-manager', 'ingress'],
    });
    const applied = await eventually('the change applied', async () => {
      const state = await queryState();
      return state.phase.name === 'steady-state' && state.change?.status === 'applied' ? state : undefined;
    });
    assert.deepEqual(
      applied.stacks.map((s) => [s.name, s.status]),
      [
        ['crds', 'healthy'],
        ['cert-manager', 'healthy'],
        ['ingress', 'healthy'],
        ['monitoring', 'healthy'],
      ],
    );

    await temporal(example('signal', 'teardown'));
    const final = (await env.client.workflow.getHandle(workflowId, runId).result()) as LifecycleState;
    assert.equal(final.outcome, 'torn-down');
    // The change took the platform from Argo CD and gave it back, after phase 3 began and before the teardown.
    assert.deepEqual(
      final.ledger.map((e) => `${e.from}->${e.to}`),
      [...wholeLifeHandoffs.slice(0, 3), 'deployment->orchestration', 'orchestration->deployment', ...wholeLifeHandoffs.slice(3)],
    );
  });

  it('baton report reads the run from the server, and names an unknown workflow id in one line', async () => {
    const { stdout } = await baton('report', workflowId);
    assert.match(stdout, /^- Workflow id: baton\/demo\/dev$/m);
    // The applied change continued the run as new: the report spans the run that failed, resumed and applied it, and the next.
    assert.match(stdout, /^- Runs: 2$/m);
    assert.match(stdout, /^\| monitoring \| deploy \| 1 \|.*\| succeeded \|/m);
    assert.match(stdout, /^\| cert-manager \| delete \| 1 \|.*\| succeeded \|/m);
    assert.match(stdout, /^\| cert-manager \| deploy \| 1 \|.*\| failed \| application cert-manager is Degraded/m);
    assert.match(stdout, /^\| cert-manager \| deploy \| 2 \|.*\| succeeded \|/m);
    const unknown = await baton('report', 'baton/nothing/here').then(
      () => assert.fail('an unknown workflow id must fail'),
      (err: { code: number; stderr: string }) => err,
    );
    assert.notEqual(unknown.code, 0);
    assert.equal(unknown.stderr, 'no run with workflow id baton/nothing/here on this Temporal server\n');
  });

  it('aborts a new run of the same id with the update', async () => {
    failingStacks.add('cert-manager');
    const started = await temporal(example('start'));
    const runId = /RunId\s+(\S+)/.exec(started)?.[1];
    await eventually('cert-manager failing', async () =>
      (await queryState()).stacks.find((s) => s.name === 'cert-manager')?.status === 'failed' ? true : undefined,
    );
    // The open run's own transfers have their reasons only in its ledger: the report asks the run.
    const { stdout: report } = await baton('report', workflowId);
    assert.match(
      report,
      /^\| platform \| external \| bootstrap \| \S+ \| preflight passed; the bootstrap layer installs Argo CD and the automation credentials \| accepted \|$/m,
    );
    assert.match(
      report,
      /^\| platform \| bootstrap \| orchestration \| \S+ \| Argo CD \S+ is operational and the bootstrap credentials are rotated \| accepted \|$/m,
    );
    const answer = await temporal(example('update execute', 'abort'));
    assert.match(answer, /abort accepted/);
    const final = (await env.client.workflow.getHandle(workflowId, runId).result()) as LifecycleState;
    assert.equal(final.outcome, 'aborted');
  });

  it('ran every example of the README section', () => {
    assert.deepEqual(
      examples.filter((args) => !used.has(args)).map((args) => args.join(' ')),
      [],
    );
  });
});

const promotionExamples = readmeCommands('Promotion: freight through environments');
const promotionId = 'baton/demo/promotion/f-86c0eb237692-prod';

/** The promotion the README's examples approve: freight f-86c0eb237692 to prod, two of three approvers, requested by release-lead. */
const promotionInput: PromotionInput = {
  platform: 'demo',
  environment: 'prod',
  freight: {
    id: 'f-86c0eb237692',
    revision: '0123456789abcdef0123456789abcdef01234567',
    images: [],
    createdAt: '2026-01-01T00:00:00.000Z',
  },
  requestedBy: 'release-lead',
  policy: {
    auto: false,
    from: [],
    verifiedIn: [],
    approvals: { required: 2, from: ['release-lead', 'sre-lead', 'security-lead'], expiresAfter: '24h', separateFromRequester: true },
  },
  repoURL: 'file:///srv/platform.git',
  cluster: 'prod',
  lifecycleWorkflowId: 'baton/demo/prod',
};

/** The README's one promotion example of `temporal workflow <subcommand>`. */
function promotionExample(subcommand: string): string[] {
  const found = promotionExamples.filter((args) => args.slice(1).join(' ').startsWith(`workflow ${subcommand} `));
  assert.equal(found.length, 1, `one promotion example of temporal workflow ${subcommand}`);
  return found[0]!;
}

describe("the README's promotion examples of the temporal CLI, run with the real binary", () => {
  it('approves as an update, lists the waiting promotion by search attribute, approves as a signal', async () => {
    assert.equal(promotionExamples.length, 3, 'an update, a signal and a list');
    const handle = await env.client.workflow.start(promotion, {
      workflowId: promotionId,
      taskQueue: workflowTaskQueue(defaultTaskQueuePrefix),
      args: [promotionInput],
    });
    const waiting = () => handle.query(promotionStateQuery);
    await eventually('waiting for approvals', async () => ((await waiting()).state === 'waiting-approval' ? true : undefined));

    const answered = JSON.parse(await temporal([...promotionExample('update execute'), '--output', 'json'])) as { result?: PromotionState };
    const afterUpdate = answered.result ?? (answered as PromotionState);
    assert.deepEqual(
      afterUpdate.approvals.map((a) => [a.approver, a.kind, a.reason]),
      [['sre-lead', 'approve', 'dashboards green']],
    );
    assert.equal(afterUpdate.state, 'waiting-approval');

    const listed = await eventually('the promotion listed as waiting', async () => {
      const out = await temporal(promotionExample('list'));
      return out.includes(promotionId) ? out : undefined;
    });
    assert.match(listed, /Running/);

    // baton approve refuses with the validator's message and exit 1; the promotion is as it was.
    const refused = (args: string[]) =>
      baton(...args).then(
        () => assert.fail(`baton ${args.join(' ')} must be refused`),
        (err: { code: number; stderr: string }) => [err.code, err.stderr],
      );
    assert.deepEqual(await refused(['approve', promotionId, '--as', 'intruder']), [
      1,
      'approve refused: approver intruder is not allowed: allowed are release-lead, sre-lead, security-lead\n',
    ]);
    assert.deepEqual(await refused(['approve', promotionId, '--as', 'release-lead']), [
      1,
      'approve refused: the requester release-lead may not approve their own promotion\n',
    ]);
    assert.deepEqual(await refused(['approve', 'baton/demo/promotion/f-000000000000-prod', '--as', 'sre-lead']), [
      1,
      'no promotion baton/demo/promotion/f-000000000000-prod\n',
    ]);
    const { stdout: listedJson } = await baton('promotions', 'demo', '--json');
    assert.deepEqual(JSON.parse(listedJson), [
      {
        id: promotionId,
        freight: 'f-86c0eb237692',
        revision: promotionInput.freight.revision,
        to: 'prod',
        requestedBy: 'release-lead',
        state: 'waiting-approval',
        approvals: [{ approver: 'sre-lead', at: afterUpdate.approvals[0]!.at, reason: 'dashboards green' }],
      },
    ]);

    await temporal(promotionExample('signal'));
    const approved = await eventually('the second approval', async () => {
      const state = await waiting();
      return state.approvals.length === 2 ? state : undefined;
    });
    assert.deepEqual(
      approved.approvals.map((a) => [a.approver, a.reason]),
      [
        ['sre-lead', 'dashboards green'],
        ['security-lead', 'scan clean'],
      ],
    );
    // What it does next is the promotion zone's (its doubles here); the examples are done.
    if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('the examples are done');
  });
});

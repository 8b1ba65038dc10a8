import {
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ClusterActivities } from '../activities/interfaces.js';
import { blockedBy, buildGraph, readySet, reverseGraph } from '../dag/index.js';
import { bootstrapWorkflowId, resolveStacks, stackWorkflowId, validatePlatformSpec, type PlatformSpec } from '../spec/index.js';
import { runOnce, zoneActivityOptions } from './activityOptions.js';
import { applyHandoff, type HandoffRequest } from './authority.js';
import { bootstrap } from './bootstrap.js';
import { controlRefusal, describeRequest, type ControlKind, type ControlRequests } from './control.js';
import {
  abortSignal,
  abortUpdate,
  authorityHandoffSignal,
  resumeSignal,
  resumeUpdate,
  stateQuery,
  teardownSignal,
  teardownUpdate,
  type ControlRequest,
} from './definitions.js';
import { deployStack, type StackAction } from './deployStack.js';
import { describeFailure } from './failures.js';
import { lifecycleInputSchema, type LifecycleInput, type LifecycleSettings } from './input.js';
import { authorityAttribute, environmentAttribute, phaseAttribute, platformAttribute } from './searchAttributes.js';
import { phase, type Holder, type LifecycleState, type StackState } from './state.js';
import { steadyStateWatchPatch, watchSteadyState } from './steadyState.js';

const now = () => new Date().toISOString();

/**
 * A platform's whole life as one durable run: phase 0 preflight, phase 1 bootstrap (child),
 * phase 2 stacks in dependency order (a child each), phase 3 steady state, phase 4 teardown.
 * A failure parks the run in its phase until `resume`; nothing healthy is deployed again.
 */
export async function platformLifecycle(rawInput: LifecycleInput): Promise<LifecycleState> {
  const input = parseInput(rawInput);
  const spec = parseSpec(input.spec);
  const info = workflowInfo();
  const stacks = resolveStacks(spec);
  const graph = buildGraph(stacks);
  const resolvedByName = new Map(stacks.map((s) => [s.name, s] as const));
  const { platform, environment, prefix } = { platform: spec.metadata.name, environment: input.environment, prefix: input.taskQueuePrefix };
  const defaults = spec.spec.defaults;

  const state: LifecycleState = input.carriedState ?? initialState(info.workflowId, platform, environment, stacks);
  const stackByName = new Map(state.stacks.map((s) => [s.name, s] as const));
  const stack = (name: string): StackState => stackByName.get(name)!;
  const control: ControlRequests = { resume: null, abort: null, teardown: null };
  let settled = 0;

  const publish = () =>
    upsertSearchAttributes([
      { key: platformAttribute, value: platform },
      { key: environmentAttribute, value: environment },
      { key: phaseAttribute, value: state.phase.name },
      { key: authorityAttribute, value: state.authority.platform },
    ]);

  setHandler(stateQuery, () => state);
  setHandler(authorityHandoffSignal, (request: HandoffRequest) => {
    const entry = applyHandoff(state, request, now());
    if (entry.accepted) {
      if (entry.credentialsRef) state.credentialsRef = entry.credentialsRef;
      log.info(`authority over ${entry.concern} handed from ${entry.from} to ${entry.to}: ${entry.reason}`);
      publish();
    } else {
      log.warn(`rejected handoff ${entry.from} -> ${entry.to} from "${entry.sender}": ${entry.rejection}`);
    }
  });
  const acceptControl = (kind: ControlKind) => (request: ControlRequest | undefined) => {
    control[kind] = request ?? {};
    log.info(describeRequest(kind, control[kind]));
    return `${kind} accepted in phase ${state.phase.number} (${state.phase.name})`;
  };
  const refuseOrThrow = (kind: ControlKind) => (request: ControlRequest | undefined) => {
    const refusal = controlRefusal(kind, state, request);
    if (refusal) throw new Error(refusal);
  };
  const signalled = (kind: ControlKind) => (request: ControlRequest | undefined) => {
    const refusal = controlRefusal(kind, state, request);
    if (refusal) log.warn(`ignored ${kind} signal: ${refusal}`);
    else acceptControl(kind)(request);
  };
  setHandler(resumeUpdate, acceptControl('resume'), { validator: refuseOrThrow('resume') });
  setHandler(abortUpdate, acceptControl('abort'), { validator: refuseOrThrow('abort') });
  setHandler(teardownUpdate, acceptControl('teardown'), { validator: refuseOrThrow('teardown') });
  setHandler(resumeSignal, signalled('resume'));
  setHandler(abortSignal, signalled('abort'));
  setHandler(teardownSignal, signalled('teardown'));

  const enterPhase = (number: 0 | 1 | 2 | 3 | 4) => {
    state.phase = phase(number);
    log.info(`phase ${number} (${state.phase.name})`);
    publish();
  };

  /** Orchestration's own handoffs; the parent speaks for orchestration. */
  const transfer = (from: Holder, to: Holder, reason: string) => {
    const entry = applyHandoff(state, { concern: 'platform', from, to, sender: info.workflowId, reason }, now());
    if (!entry.accepted) throw ApplicationFailure.nonRetryable(`internal handoff ${from} -> ${to} refused: ${entry.rejection}`);
    publish();
  };

  const finish = (outcome: LifecycleState['outcome']) => {
    state.outcome = outcome;
    state.waitingFor = null;
    return state;
  };

  /** Waits for the operator after a failure: true to try again, false when the run is aborted. */
  const awaitResume = async (waitingFor: string): Promise<boolean> => {
    state.waitingFor = waitingFor;
    await condition(() => control.resume !== null || control.abort !== null || control.teardown !== null);
    state.waitingFor = null;
    if (control.abort || control.teardown) return false;
    control.resume = null;
    return true;
  };

  /** Runs a phase step until it succeeds; a failure parks the run in the phase until resumed. */
  const untilSucceeds = async (step: () => Promise<void>): Promise<boolean> => {
    for (;;) {
      try {
        await step();
        state.error = null;
        return true;
      } catch (err) {
        if (isCancellation(err)) throw err;
        state.error = describeFailure(err);
        log.warn(`phase ${state.phase.number} (${state.phase.name}) failed: ${state.error}`);
        if (!(await awaitResume('resume after fixing the cause, or abort'))) return false;
        state.error = null;
      }
    }
  };

  const runStack = async (name: string, action: StackAction, scope: CancellationScope) => {
    const s = stack(name);
    s.status = action === 'deploy' ? 'deploying' : 'deleting';
    s.attempts += 1;
    s.startedAt = now();
    s.message = null;
    const target = { platform, environment, stack: resolvedByName.get(name)!, source: spec.spec.source };
    try {
      await scope.run(() =>
        executeChild(deployStack, {
          workflowId: stackWorkflowId(platform, environment, name),
          args: [{ target, action, taskQueuePrefix: prefix, timeouts: input.timeouts }],
        }),
      );
      s.status = action === 'deploy' ? 'healthy' : 'deleted';
      s.finishedAt = now();
      if (action === 'deploy') s.healthyAt = s.finishedAt;
      log.info(`stack ${name} ${s.status}`);
    } catch (err) {
      s.status = 'failed';
      s.finishedAt = now();
      s.message = isCancellation(err) ? 'aborted' : describeFailure(err);
      log.warn(`stack ${name} failed to ${action}: ${s.message}`);
      const direction = action === 'deploy' ? graph : reverseGraph(graph);
      for (const blocked of blockedBy(direction, [name])) {
        if (stack(blocked).status === 'pending') {
          stack(blocked).status = 'blocked';
          stack(blocked).message = `waits for ${name}, which failed`;
        }
      }
    } finally {
      settled += 1;
    }
  };

  /** Deploys (or deletes, in reverse order) every pending stack the moment its prerequisites are done. */
  const runStacks = async (action: StackAction): Promise<'completed' | 'failed' | 'aborted'> => {
    const direction = action === 'deploy' ? graph : reverseGraph(graph);
    const done = action === 'deploy' ? 'healthy' : 'deleted';
    const scope = new CancellationScope();
    let inFlight = 0;
    let cancelled = false;
    for (;;) {
      const stopStarting =
        control.abort !== null || (defaults.failurePolicy === 'failFast' && state.stacks.some((s) => s.status === 'failed'));
      if (!stopStarting) {
        const ready = readySet(direction, (n) => stack(n).status === 'pending', (n) => stack(n).status === done);
        for (const name of ready.slice(0, Math.max(0, defaults.maxParallelStacks - inFlight))) {
          inFlight += 1;
          void runStack(name, action, scope).finally(() => (inFlight -= 1));
        }
      }
      if (inFlight === 0) break;
      const seen = settled;
      await condition(() => settled > seen || (control.abort !== null && !cancelled));
      if (control.abort !== null && !cancelled) {
        cancelled = true;
        scope.cancel();
      }
    }
    if (control.abort) return 'aborted';
    return state.stacks.every((s) => s.status === done) ? 'completed' : 'failed';
  };

  /** Runs the stacks in one direction until all are done; after a failure waits for resume. */
  const untilStacksDone = async (action: StackAction): Promise<boolean> => {
    for (;;) {
      const result = await runStacks(action);
      if (result === 'completed') return true;
      if (result === 'aborted') return false;
      const failed = state.stacks.filter((s) => s.status === 'failed').map((s) => s.name);
      if (!(await awaitResume(`resume after fixing ${failed.join(', ')}, or ${action === 'deploy' ? 'teardown or ' : ''}abort`))) return false;
      for (const s of state.stacks) {
        if (s.status === 'failed' || s.status === 'blocked') {
          s.status = 'pending';
          s.message = null;
        }
      }
    }
  };

  const teardown = async (): Promise<LifecycleState> => {
    enterPhase(4);
    const request = control.teardown ?? {};
    if (state.authority.platform === 'deployment') transfer('deployment', 'orchestration', describeRequest('teardown', request));
    for (const s of state.stacks) Object.assign(s, { status: 'pending', attempts: 0, message: null, live: undefined });
    control.teardown = null;
    if (!(await untilStacksDone('delete'))) return finish('aborted');
    state.holderIds.bootstrap = bootstrapWorkflowId(platform, environment);
    transfer('orchestration', 'bootstrap', 'every stack is removed; the bootstrap layer removes what it installed');
    const removed = await untilSucceeds(async () => {
      await executeChild(bootstrap, {
        workflowId: bootstrapWorkflowId(platform, environment),
        args: [{ platform, environment, mode: 'teardown', features: spec.spec.bootstrap, source: spec.spec.source, taskQueuePrefix: prefix, timeouts: input.timeouts }],
      });
      if (state.authority.platform !== 'external') throw ApplicationFailure.nonRetryable('bootstrap teardown ended without handing the platform back');
    });
    return finish(removed ? 'torn-down' : 'aborted');
  };

  publish();
  if (input.carriedState === undefined) {
    enterPhase(0);
    const cluster = proxyActivities<ClusterActivities>(
      zoneActivityOptions(prefix, 'cluster', input.timeouts, input.timeouts.preflight, runOnce),
    );
    const preflightPassed = await untilSucceeds(async () => {
      const report = await cluster.preflight({ platform, minKubernetesVersion: spec.spec.cluster.minKubernetesVersion });
      const failed = report.checks.filter((c) => !c.passed);
      if (failed.length > 0) {
        throw ApplicationFailure.nonRetryable(
          `preflight failed; fix these and resume:\n${failed.map((c) => `  - ${c.name}: ${c.reason}`).join('\n')}`,
          'PreflightFailed',
        );
      }
    });
    if (!preflightPassed) return finish('aborted');

    enterPhase(1);
    state.holderIds.bootstrap = bootstrapWorkflowId(platform, environment);
    transfer('external', 'bootstrap', 'preflight passed; the bootstrap layer installs Argo CD and the automation credentials');
    const bootstrapped = await untilSucceeds(async () => {
      await executeChild(bootstrap, {
        workflowId: bootstrapWorkflowId(platform, environment),
        args: [{ platform, environment, mode: 'install', features: spec.spec.bootstrap, source: spec.spec.source, taskQueuePrefix: prefix, timeouts: input.timeouts }],
      });
      if (state.authority.platform !== 'orchestration') {
        throw ApplicationFailure.nonRetryable('bootstrap finished without handing authority to orchestration');
      }
    });
    if (!bootstrapped) return finish('aborted');

    enterPhase(2);
    if (!(await untilStacksDone('deploy'))) return control.teardown ? teardown() : finish('aborted');
    transfer('orchestration', 'deployment', `all ${stacks.length} stacks are healthy; Argo CD reconciles from here`);
  }

  enterPhase(3);
  state.waitingFor = 'teardown request';
  const steadyStateEnds = () => control.teardown !== null || control.abort !== null || workflowInfo().continueAsNewSuggested;
  if (patched(steadyStateWatchPatch)) await watchSteadyState(state, control, { platform, environment, taskQueuePrefix: prefix, timeouts: input.timeouts }, steadyStateEnds);
  else await condition(steadyStateEnds);
  state.waitingFor = null;
  if (control.teardown) return teardown();
  if (control.abort) return finish('aborted');
  return continueAsNew<typeof platformLifecycle>({ ...rawInput, carriedState: state });
}

function parseInput(rawInput: LifecycleInput): LifecycleSettings {
  const parsed = lifecycleInputSchema.safeParse(rawInput);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `  input.${i.path.join('.')}: ${i.message}`).join('\n');
  throw ApplicationFailure.nonRetryable(`invalid platformLifecycle input:\n${problems}`, 'InvalidInput');
}

function parseSpec(document: unknown): PlatformSpec {
  const result = validatePlatformSpec(document);
  if (result.ok) return result.spec;
  const problems = result.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
  throw ApplicationFailure.nonRetryable(`invalid platform spec:\n${problems}`, 'InvalidPlatformSpec', result.issues);
}

function initialState(workflowId: string, platform: string, environment: string, stacks: { name: string; dependsOn: string[] }[]): LifecycleState {
  return {
    workflowId,
    platform,
    environment,
    phase: phase(0),
    outcome: 'running',
    waitingFor: null,
    error: null,
    authority: { platform: 'external' },
    // The run speaks for the operator who started it, for itself, and for Argo CD at a teardown request.
    holderIds: { external: workflowId, orchestration: workflowId, deployment: workflowId },
    credentialsRef: null,
    stacks: stacks.map((s) => ({
      name: s.name,
      dependsOn: s.dependsOn,
      status: 'pending',
      attempts: 0,
      startedAt: null,
      healthyAt: null,
      finishedAt: null,
      message: null,
    })),
    ledger: [],
    steadyStateEvents: [],
    startedAt: new Date().toISOString(),
  };
}

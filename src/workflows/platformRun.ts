import { ApplicationFailure, condition, executeChild, isCancellation, log, upsertSearchAttributes } from '@temporalio/workflow';
import { buildGraph, type StackGraph } from '../dag/index.js';
import { bootstrapWorkflowId, platformSourceRepos, resolveStacks, type PlatformSpec, type ResolvedStack } from '../spec/index.js';
import { applyHandoff } from './authority.js';
import { bootstrap, type BootstrapInput } from './bootstrap.js';
import type { ControlRequests } from './control.js';
import { describeFailure } from './failures.js';
import { failureTypes } from './failureTypes.js';
import { parseLifecycleInput, parsePlatformSpec, type LifecycleInput, type LifecycleSettings } from './input.js';
import { authorityAttribute, environmentAttribute, phaseAttribute, platformAttribute } from './searchAttributes.js';
import { initialLifecycleState, phase, type Holder, type LifecycleState, type StackState } from './state.js';

export const now = () => new Date().toISOString();

/**
 * One run of a platform's lifecycle and everything it owns: its settings, the resolved stacks and
 * their graph, the state people query, and the operator's requests not yet acted on. The message
 * handlers (lifecycleHandlers.ts) and the phases (platformLifecycle.ts) act through it.
 */
export class PlatformRun {
  /** The input with its defaults. */
  readonly settings: LifecycleSettings;
  readonly spec: PlatformSpec;
  /** The spec's stacks with every default applied, in declaration order; their progress is in `state.stacks`. */
  readonly stacks: readonly ResolvedStack[];
  readonly graph: StackGraph;
  /** What the `state` query returns, and what continue-as-new carries. */
  readonly state: LifecycleState;
  /** Requests accepted by a handler and not yet acted on; the phases clear what they take. */
  readonly control: ControlRequests = { resume: null, abort: null, teardown: null };
  /** True when this run continues an earlier one (continue-as-new) in phase 3. */
  readonly carried: boolean;
  private readonly stackByName: ReadonlyMap<string, StackState>;
  private readonly resolvedByName: ReadonlyMap<string, ResolvedStack>;

  constructor(rawInput: LifecycleInput, workflowId: string) {
    this.settings = parseLifecycleInput(rawInput);
    this.spec = parsePlatformSpec(this.settings.spec);
    this.stacks = resolveStacks(this.spec, this.settings.environment);
    this.graph = buildGraph(this.stacks);
    this.resolvedByName = new Map(this.stacks.map((s) => [s.name, s] as const));
    this.carried = this.settings.carriedState !== undefined;
    this.state = this.settings.carriedState ?? initialLifecycleState(workflowId, this.platform, this.environment, this.stacks);
    this.stackByName = new Map(this.state.stacks.map((s) => [s.name, s] as const));
  }

  get platform(): string {
    return this.spec.metadata.name;
  }

  get environment(): string {
    return this.settings.environment;
  }

  /** The state of one stack of the spec. */
  stack(name: string): StackState {
    return this.stackByName.get(name)!;
  }

  /** A stack of the spec with every default applied. */
  resolved(name: string): ResolvedStack {
    return this.resolvedByName.get(name)!;
  }

  /** Upserts the search attributes, so the run can be found by platform, environment, phase and authority. */
  publish(): void {
    upsertSearchAttributes([
      { key: platformAttribute, value: this.platform },
      { key: environmentAttribute, value: this.environment },
      { key: phaseAttribute, value: this.state.phase.name },
      { key: authorityAttribute, value: this.state.authority.platform },
    ]);
  }

  enterPhase(number: 0 | 1 | 2 | 3 | 4): void {
    this.state.phase = phase(number);
    log.info(`phase ${number} (${this.state.phase.name})`);
    this.publish();
  }

  /** Orchestration's own handoffs; the run speaks for orchestration. */
  transfer(from: Holder, to: Holder, reason: string): void {
    const entry = applyHandoff(this.state, { concern: 'platform', from, to, sender: this.state.workflowId, reason }, now());
    if (!entry.accepted)
      throw ApplicationFailure.nonRetryable(`internal handoff ${from} -> ${to} refused: ${entry.rejection}`, failureTypes.handoffRefused);
    this.publish();
  }

  finish(outcome: LifecycleState['outcome']): LifecycleState {
    this.state.outcome = outcome;
    this.state.waitingFor = null;
    return this.state;
  }

  /** Waits for the operator after a failure: true to try again, false when the run is aborted or torn down. */
  async awaitResume(waitingFor: string): Promise<boolean> {
    this.state.waitingFor = waitingFor;
    await condition(() => this.control.resume !== null || this.control.abort !== null || this.control.teardown !== null);
    this.state.waitingFor = null;
    if (this.control.abort || this.control.teardown) return false;
    this.control.resume = null;
    return true;
  }

  /** Runs a phase step until it succeeds; a failure parks the run in the phase until resumed. */
  async untilSucceeds(step: () => Promise<void>): Promise<boolean> {
    for (;;) {
      try {
        await step();
        this.state.error = null;
        return true;
      } catch (err) {
        if (isCancellation(err)) throw err;
        this.state.error = describeFailure(err);
        log.warn(`phase ${this.state.phase.number} (${this.state.phase.name}) failed: ${this.state.error}`);
        if (!(await this.awaitResume('resume after fixing the cause, or abort'))) return false;
        this.state.error = null;
      }
    }
  }

  /**
   * Hands the platform to the bootstrap layer and runs it (install in phase 1, teardown in phase 4)
   * until it succeeds, which it does only once it has handed the platform on to `handsTo`.
   */
  async runBootstrap(mode: BootstrapInput['mode'], from: Holder, handsTo: Holder, reason: string): Promise<boolean> {
    const workflowId = bootstrapWorkflowId(this.platform, this.environment);
    this.state.holderIds.bootstrap = workflowId;
    this.transfer(from, 'bootstrap', reason);
    const { source, bootstrap: features } = this.spec.spec;
    const { taskQueuePrefix, timeouts } = this.settings;
    return this.untilSucceeds(async () => {
      await executeChild(bootstrap, {
        workflowId,
        args: [
          {
            platform: this.platform,
            environment: this.environment,
            mode,
            features,
            source,
            sourceRepos: platformSourceRepos(this.spec),
            taskQueuePrefix,
            timeouts,
          },
        ],
      });
      if (this.state.authority.platform !== handsTo) {
        throw ApplicationFailure.nonRetryable(
          `bootstrap ${mode} ended without handing the platform to ${handsTo}`,
          failureTypes.handoffMissing,
        );
      }
    });
  }
}

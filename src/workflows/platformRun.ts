import {
  ApplicationFailure,
  condition,
  executeChild,
  isCancellation,
  log,
  proxyActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { PromotionActivities } from '../activities/interfaces.js';
import { buildGraph, type StackGraph } from '../dag/index.js';
import { freightId, type DeployedFreight } from '../promotion/freight.js';
import {
  bootstrapWorkflowId,
  platformSourceRepos,
  resolveEnvironment,
  undeclaredEnvironment,
  type PlatformSpec,
  type ResolvedStack,
} from '../spec/index.js';
import { zoneActivityOptions } from './activityOptions.js';
import { applyHandoff } from './authority.js';
import { bootstrap, type BootstrapInput } from './bootstrap.js';
import type { ControlRequests } from './control.js';
import { describeFailure } from './failures.js';
import { failureTypes } from './failureTypes.js';
import { parseLifecycleInput, parsePlatformSpec, type LifecycleInput, type LifecycleSettings } from './input.js';
import { authorityAttribute, environmentAttribute, phaseAttribute, platformAttribute } from './searchAttributes.js';
import type { AcceptedChange } from './specChangeRequest.js';
import { pinnedStacks } from '../promotion/pinnedStacks.js';
import { initialLifecycleState, pendingStack, phase, type Holder, type LifecycleState, type StackState } from './state.js';

export const now = () => new Date().toISOString();

/**
 * One run of a platform's lifecycle and everything it owns: its settings, the resolved stacks and
 * their graph, the state people query, and the operator's requests not yet acted on. The message
 * handlers (lifecycleHandlers.ts) and the phases (platformLifecycle.ts) act through it.
 */
export class PlatformRun {
  /** The input with its defaults. */
  readonly settings: LifecycleSettings;
  /** The spec document the run deploys: its input's, until an accepted change brings another (adoptSpec sets these four). */
  specDocument: unknown;
  spec: PlatformSpec;
  /** The spec's stacks with every default applied, in declaration order; their progress is in `state.stacks`. */
  stacks: readonly ResolvedStack[];
  graph: StackGraph;
  /** What the `state` query returns, and what continue-as-new carries. */
  readonly state: LifecycleState;
  /** Requests accepted by a handler and not yet acted on; the phases clear what they take. */
  readonly control: ControlRequests = { resume: null, abort: null, teardown: null };
  /** An accepted apply not yet begun; phase 3 takes it. */
  change: AcceptedChange | null = null;
  /** True when this run continues an earlier one (continue-as-new) in phase 3. */
  readonly carried: boolean;
  private stackByName: ReadonlyMap<string, StackState>;
  private resolvedByName: ReadonlyMap<string, ResolvedStack>;

  constructor(rawInput: LifecycleInput, workflowId: string) {
    this.settings = parseLifecycleInput(rawInput);
    this.specDocument = this.settings.spec;
    this.spec = parsePlatformSpec(this.settings.spec);
    const undeclared = undeclaredEnvironment(this.spec, this.settings.environment);
    if (undeclared !== undefined) throw ApplicationFailure.nonRetryable(undeclared, failureTypes.invalidInput);
    this.stacks = pinnedStacks(this.spec, this.settings.environment, this.settings.carriedState?.freight ?? null);
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

  /** The environment's cluster, as Argo CD names it: in-cluster for the hub. */
  get cluster(): string {
    return resolveEnvironment(this.spec, this.environment).cluster;
  }

  /**
   * Makes `spec` the run's. `retiring` are stacks of the spec before that the change still has to delete:
   * they stay in the graph with their dependencies, so one graph orders the change's deploys and deletes.
   * state.stacks follows: a kept stack keeps its progress, an added one starts pending, any other is dropped.
   */
  adoptSpec(document: unknown, spec: PlatformSpec, retiring: readonly ResolvedStack[] = []): void {
    this.specDocument = document;
    this.spec = spec;
    this.stacks = [...pinnedStacks(spec, this.environment, this.state.freight), ...retiring];
    this.graph = buildGraph(this.stacks);
    this.resolvedByName = new Map(this.stacks.map((s) => [s.name, s] as const));
    const progress = this.stackByName;
    this.state.stacks = this.stacks.map((s) => ({ ...(progress.get(s.name) ?? pendingStack(s)), dependsOn: s.dependsOn }));
    this.stackByName = new Map(this.state.stacks.map((s) => [s.name, s] as const));
  }

  /** Makes `freight` the environment's: every source from the platform repository points at its commit from now on. */
  pin(freight: DeployedFreight): void {
    this.state.freight = freight;
    this.adoptSpec(this.specDocument, this.spec);
  }

  /**
   * The environment's first freight: the commit the platform's branch is at now, asked of the promotion
   * zone, so its Applications never follow the branch by themselves. A run that has freight keeps it.
   */
  async pinFirstFreight(): Promise<void> {
    // Only an environment that takes part in promotion runs freight; one without promotion settings follows its
    // branch, so a fix committed there reaches it by resume, as before promotion existed.
    if (this.state.freight || !resolveEnvironment(this.spec, this.environment).promotion) return;
    const { taskQueuePrefix, timeouts } = this.settings;
    const git = proxyActivities<PromotionActivities>(
      zoneActivityOptions(taskQueuePrefix, 'promotion', timeouts, timeouts.argoCdCall, { maximumAttempts: 3 }),
    );
    const { repoURL, targetRevision } = this.spec.spec.source;
    const { revision } = await git.resolveRevision.executeWithOptions({ summary: `resolve ${targetRevision} to its commit` }, [
      { repoURL, revision: targetRevision },
    ]);
    this.pin({ id: freightId(revision), revision, deployedAt: now() });
    log.info(`${this.environment} is pinned at ${this.state.freight!.id} (${targetRevision} at ${revision})`);
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

  /** Orchestration's own handoffs (the run speaks for orchestration), and those a promotion asks for by update. */
  transfer(from: Holder, to: Holder, reason: string, sender = this.state.workflowId): void {
    const entry = applyHandoff(this.state, { concern: 'platform', from, to, sender, reason }, now());
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
    // A change that parks has failed until it is resumed.
    const change = this.state.change?.status === 'applying' ? this.state.change : null;
    if (change) change.status = 'failed';
    await condition(() => this.control.resume !== null || this.control.abort !== null || this.control.teardown !== null);
    this.state.waitingFor = null;
    if (this.control.abort || this.control.teardown) return false;
    this.control.resume = null;
    if (change) change.status = 'applying';
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
        staticSummary: `bootstrap: ${mode}`,
        args: [
          {
            platform: this.platform,
            environment: this.environment,
            cluster: this.cluster,
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

import { ApplicationFailure, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { PromotionActivities } from '../activities/interfaces.js';
import { freightId, type Freight } from '../promotion/freight.js';
import { downstreamOf, firstEnvironments } from '../promotion/graph.js';
import { durationMs, type PlatformSpec } from '../spec/index.js';
import { malformedRequest } from './control.js';
import { describeFailure } from './failures.js';
import { failureTypes } from './failureTypes.js';
import { parsePlatformSpec } from './input.js';
import { parseWorkflowInput } from './promotionInput.js';
import { startPromotion } from './promotionStart.js';
import { zoneTaskQueue } from './taskQueues.js';
import { warehouseInputSchema, type PendingPromotion, type WarehouseInput, type WarehouseSettings } from './warehouseInput.js';
import {
  freightVerifiedSchema,
  promotionRequestRefusal,
  promotionRequestSchema,
  requestedFreight,
  type FreightVerified,
} from './warehouseRequests.js';

/** The freight a warehouse keeps: the newest, enough to promote any recent commit by name. */
export const freightLimit = 50;

const now = () => new Date().toISOString();

/**
 * A platform's warehouse and everything it owns: the spec, the freight found so far (oldest first), the
 * promotions waiting for their time, and the promotion zone's Git activities. The handlers and the
 * polling loop (warehouse.ts) act through it.
 */
export class WarehouseRun {
  readonly settings: WarehouseSettings;
  readonly spec: PlatformSpec;
  freight: Freight[];
  pending: PendingPromotion[];
  private readonly git: Pick<PromotionActivities, 'latestRevision' | 'resolveRevision'>;

  constructor(rawInput: WarehouseInput) {
    this.settings = parseWorkflowInput(warehouseInputSchema, rawInput, 'freightWarehouse');
    this.spec = parsePlatformSpec(this.settings.spec);
    this.freight = this.settings.knownFreight;
    this.pending = this.settings.pending;
    this.git = proxyActivities<PromotionActivities>({
      taskQueue: zoneTaskQueue(this.settings.taskQueuePrefix, 'promotion'),
      startToCloseTimeout: this.settings.promotionTimeouts.call,
      retry: { maximumAttempts: 3 },
    });
  }

  get platform(): string {
    return this.spec.metadata.name;
  }

  /** Who asks for the promotions the warehouse starts by itself. */
  get requester(): string {
    return workflowInfo().workflowId;
  }

  /** Asks the branch for its newest commit; a new one becomes freight and goes to every first environment with auto. */
  async poll(): Promise<void> {
    const { repoURL, targetRevision } = this.spec.spec.source;
    let revision: string;
    try {
      ({ revision } = await this.git.latestRevision({ repoURL, branch: targetRevision }));
    } catch (err) {
      // The branch is asked again at the next poll; a repository away for a while is no reason to stop.
      log.warn(`warehouse of ${this.platform}: could not read ${targetRevision} of ${repoURL}: ${describeFailure(err)}`);
      return;
    }
    if (this.freight.some((f) => f.revision === revision && f.images.length === 0)) return;
    const freight = this.add(revision);
    log.info(`warehouse of ${this.platform}: new freight ${freight.id} at ${revision}`);
    const auto = firstEnvironments(this.spec).filter((e) => this.policyOf(e)?.auto);
    for (const environment of auto) await this.start(environment, freight, this.requester);
  }

  /**
   * A promotion that passed verification: each auto environment downstream gets the freight once its soak
   * has passed. A malformed signal (anyone may send one) is logged and changes nothing.
   */
  verified(signal: unknown): void {
    const malformed = malformedRequest('freightVerified', freightVerifiedSchema, signal);
    if (malformed) return void log.warn(`warehouse of ${this.platform}: ignored freightVerified signal: ${malformed}`);
    const { freight, environment } = signal as FreightVerified;
    for (const downstream of downstreamOf(this.spec, environment)) {
      const soak = this.policyOf(downstream)?.soak;
      const notBefore = new Date(Date.now() + (soak ? durationMs(soak) : 0)).toISOString();
      this.pending.push({ environment: downstream, freight, notBefore });
      log.info(`warehouse of ${this.platform}: ${freight.id} verified in ${environment}; ${downstream} gets it from ${notBefore}`);
    }
  }

  /** Whether a pending promotion's time has come. */
  hasDue(): boolean {
    return this.pending.some((p) => Date.parse(p.notBefore) <= Date.now());
  }

  /** When the next pending promotion's time comes (epoch ms), if any waits. */
  nextDue(): number | undefined {
    const times = this.pending.map((p) => Date.parse(p.notBefore));
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  async startDue(): Promise<void> {
    const due = this.pending.filter((p) => Date.parse(p.notBefore) <= Date.now());
    this.pending = this.pending.filter((p) => !due.includes(p));
    for (const p of due) await this.start(p.environment, p.freight, this.requester);
  }

  /** The update's validator: why a request is refused, thrown so the caller hears it. */
  refuse(request: unknown): void {
    const refusal = promotionRequestRefusal(this.spec, this.freight, request);
    if (refusal !== null) throw ApplicationFailure.nonRetryable(refusal, failureTypes.promotionRefused);
  }

  /** A request the validator took: its freight (a revision not known yet is resolved and becomes freight), then the promotion. */
  async request(rawRequest: unknown): Promise<{ promotionId: string }> {
    const { environment, revision, requestedBy } = promotionRequestSchema.parse(rawRequest);
    const freight = requestedFreight(this.freight, revision) ?? (await this.resolve(revision!));
    return { promotionId: await this.start(environment, freight, requestedBy) };
  }

  private async resolve(revision: string): Promise<Freight> {
    const { repoURL } = this.spec.spec.source;
    try {
      const resolved = await this.git.resolveRevision({ repoURL, revision });
      return requestedFreight(this.freight, resolved.revision) ?? this.add(resolved.revision);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(
        `revision "${revision}" is not known freight of ${this.platform} and ${repoURL} does not resolve it: ${describeFailure(err)}`,
        failureTypes.promotionRefused,
      );
    }
  }

  private add(revision: string): Freight {
    const freight = { id: freightId(revision), revision, images: [], createdAt: now() };
    this.freight = [...this.freight, freight].slice(-freightLimit);
    return freight;
  }

  private policyOf(environment: string) {
    return this.spec.spec.environments.find((e) => e.name === environment)?.promotion;
  }

  private start(environment: string, freight: Freight, requestedBy: string): Promise<string> {
    const { taskQueuePrefix, promotionTimeouts: timeouts } = this.settings;
    return startPromotion({ spec: this.spec, environment, freight, requestedBy, taskQueuePrefix, timeouts });
  }
}

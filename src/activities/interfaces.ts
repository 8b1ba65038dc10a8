/**
 * The activities the workflows schedule, one interface per trust zone (docs/architecture.md#trust-zones).
 * Workflows import these with `import type` only; each zone's worker registers an implementation.
 */
import type { Freight } from '../promotion/freight.js';
import type { EnvironmentFreight } from '../promotion/gates.js';
import type { BeginPromotionRequest, BeginPromotionResult, EndPromotionRequest } from '../workflows/definitions.js';
import type { ResolvedStack } from '../spec/index.js';

export interface PreflightCheck {
  name: string;
  passed: boolean;
  reason: string;
}

export interface PreflightReport {
  passed: boolean;
  checks: PreflightCheck[];
}

export interface ManagedObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** A permission preflight checks with a SelfSubjectAccessReview; group '' is the core API. */
export interface PermissionRequirement {
  verb: string;
  resource: string;
  group?: string;
  /** Unset: in every namespace (or a cluster-scoped resource). */
  namespace?: string;
}

/** A Kubernetes object as written in a manifest. */
export interface KubernetesManifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface ApplyResult {
  /** In the order applied: CRDs, namespaces, then the rest. */
  applied: ManagedObject[];
}

export interface ReadyResult {
  ready: ManagedObject[];
  elapsedMs: number;
}

export interface DeleteResult {
  deleted: ManagedObject[];
  /** Objects that did not exist when the delete was sent. */
  alreadyAbsent: ManagedObject[];
}

/** Which of the worker's clusters an activity acts on: its name in Argo CD; absent, the hub (in-cluster), for runs started before. */
export interface ClusterChoice {
  cluster?: string;
}

export interface ClusterActivities {
  /** Phase 0: API reachable, version, nodes Ready, permissions. Never throws for a failed check. */
  preflight(
    input: ClusterChoice & {
      platform: string;
      minKubernetesVersion: string;
      /** What to check with SelfSubjectAccessReviews; Baton's own needs when absent. */
      permissions?: PermissionRequirement[];
    },
  ): Promise<PreflightReport>;
  /** Objects labelled as managed by Baton for the platform (and environment), leaving out one `baton.dev/part` when asked. */
  findOrphans(input: ClusterChoice & { platform: string; environment?: string; exceptPart?: string }): Promise<ManagedObject[]>;
}

/** The cluster zone's writes, next to ClusterActivities: same worker, same credentials. */
export interface ClusterResourceActivities {
  /** Deletes with foreground propagation and waits until every object is gone; a timeout names what finalizers hold. */
  deleteResources(input: ClusterChoice & { objects: ManagedObject[]; timeoutMs: number }): Promise<DeleteResult>;
}

/**
 * The cluster zone's other writes, which no workflow schedules, so no worker registers them: the
 * integration tests call them directly (createClusterActivities) to put objects on the sandbox and wait for them.
 */
export interface ClusterManifestActivities {
  /**
   * Server-side apply (field manager `baton`), labelling each object as managed by Baton for the platform and environment:
   * CRDs first (waited until Established), then namespaces, then everything else.
   */
  applyManifests(
    input: ClusterChoice & { platform: string; environment: string; manifests: KubernetesManifest[]; force?: boolean; timeoutMs?: number },
  ): Promise<ApplyResult>;
  /** Watches the objects until each is ready by its kind's rule; heartbeats list the ones still waiting. */
  awaitReady(input: ClusterChoice & { objects: ManagedObject[]; timeoutMs: number }): Promise<ReadyResult>;
}

export type PlaybookName = 'bootstrap' | 'rotate-credentials' | 'teardown';

export interface PlaybookSummary {
  playbook: PlaybookName;
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped?: number;
  durationMs?: number;
  /** A reference (namespace/name of a Secret) to the automation credentials, never the credential. */
  credentialsRef?: string;
  /** Teardown only: the hub's Argo CD stayed, as another environment still uses it. */
  keptArgoCd?: boolean;
}

export interface AnsibleActivities {
  runPlaybook(
    input: ClusterChoice & {
      playbook: PlaybookName;
      platform: string;
      environment: string;
      features: Record<string, boolean>;
      /** The root Application's source; the ansible settings' when absent (the integration tests run playbooks without a run). */
      source?: { repoURL: string; targetRevision: string };
      /** The repositories the platform's AppProject allows; the source's alone when absent. */
      sourceRepos?: string[];
    },
  ): Promise<PlaybookSummary>;
}

/** A stack of one platform and environment; its Application's source (or sources) is resolved in the stack. */
export interface StackTarget extends ClusterChoice {
  platform: string;
  environment: string;
  stack: ResolvedStack;
}

export interface ApplicationStatus {
  application: string;
  health: string;
  sync: string;
  revision?: string;
  /** When Argo CD last changed the health (its lastTransitionTime): for Healthy, when it reported Healthy. */
  healthSince?: string;
}

/** What the workflow last knew of an Application's sync and health. */
export interface LiveStatus {
  sync: string;
  health: string;
}

/** One of the platform's Applications, as the steady-state watch follows it. */
export interface WatchedApplication {
  stack: string;
  application: string;
  /** The AppProject; the worker's configured project takes its place when it names one. */
  project: string;
  known: LiveStatus;
}

/** An Application whose sync or health is no longer what the workflow knew, with Argo CD's account of why. */
export interface ApplicationChange extends LiveStatus {
  stack: string;
  application: string;
  message: string;
}

export interface ArgoCdActivities {
  /** Waits until Argo CD's API answers and accepts a login. */
  awaitArgoCdOperational(input: { credentialsRef?: string }): Promise<{ version: string }>;
  ensureApplication(target: StackTarget): Promise<{ application: string; created: boolean }>;
  syncApplication(target: StackTarget): Promise<{ application: string; revision?: string }>;
  awaitApplicationHealthy(target: StackTarget): Promise<ApplicationStatus>;
  /**
   * Deletes the Application with cascade and waits until it is gone. `retained` lists what Argo CD
   * deliberately leaves behind (it never deletes CustomResourceDefinitions, to keep their data), for
   * the cluster zone to remove.
   */
  deleteApplication(target: StackTarget): Promise<{ application: string; existed: boolean; retained?: ManagedObject[] }>;
  /**
   * Phase 3: follows Argo CD's events for the Applications and returns as soon as one's sync or health
   * differs from what the workflow knew; no changes once `maxWatchMs` has passed, so the workflow can loop.
   */
  watchPlatformApplications(input: { applications: WatchedApplication[]; maxWatchMs: number }): Promise<{ changes: ApplicationChange[] }>;
}

/** A canary Argo CD reports Suspended (paused at a step): where it is, for the resource actions that resume or abort it. */
export interface PausedRollout {
  stack: string;
  application: string;
  name: string;
  namespace: string;
}

/**
 * The promotion zone: Git (which commit a branch is at), Argo CD's API (an environment's Applications moved to a
 * revision, a paused canary resumed or aborted), the environment's cluster (AnalysisRuns) and Temporal (the
 * lifecycle run's freight and its handoffs).
 */
export interface PromotionActivities {
  /** The commit a branch, tag or HEAD points at (git ls-remote); a 40-hex commit as it is, checked where the repository is local. */
  resolveRevision(input: { repoURL: string; revision: string }): Promise<{ revision: string }>;
  latestRevision(input: { repoURL: string; branch: string }): Promise<{ revision: string }>;
  /** The lifecycle run's freight, what passed verification there and since when it is healthy (its state query). */
  environmentFreight(input: { workflowId: string }): Promise<EnvironmentFreight>;
  /** The lifecycle run's beginPromotion update; a refusal fails for good (PromotionRefused) with the run's message. */
  beginPromotion(input: { workflowId: string; request: BeginPromotionRequest }): Promise<BeginPromotionResult>;
  /** The lifecycle run's endPromotion update: the platform back to deployment, at the freight the environment runs now. */
  endPromotion(input: { workflowId: string; request: EndPromotionRequest }): Promise<void>;
  /**
   * Sets every Application of the environment with a source from repoURL to the revision through Argo CD's API,
   * syncs it there and waits until each is Synced at it and Healthy, or a Rollout in it pauses. Degraded or a failed
   * sync fails for good with Argo CD's message.
   */
  promoteRevision(input: {
    platform: string;
    environment: string;
    revision: string;
    repoURL: string;
    timeoutMs?: number;
  }): Promise<{ outcome: 'healthy' } | { outcome: 'paused'; rollouts: PausedRollout[] }>;
  /** Argo CD's resource action `resume` on each paused Rollout. */
  resumeRollouts(input: { rollouts: PausedRollout[] }): Promise<void>;
  /** Argo CD's resource action `abort`: each Rollout goes back to its stable ReplicaSet. */
  abortRollouts(input: { rollouts: PausedRollout[] }): Promise<void>;
  /** Argo CD's resource action `promote-full`: each Rollout skips its remaining steps and analysis and goes to its new ReplicaSet. */
  promoteRolloutsFully(input: { rollouts: PausedRollout[] }): Promise<void>;
  /**
   * Creates an AnalysisRun from the templates in the environment's cluster (in `namespace`, else the environment's
   * namespace that has them all) and follows it to its final phase. A web metric URL whose host is not the loopback
   * address is refused before anything is created.
   */
  runVerification(input: {
    platform: string;
    environment: string;
    cluster: string;
    freight: Freight;
    templates: string[];
    args: Record<string, string>;
    namespace?: string;
    timeoutMs?: number;
  }): Promise<VerificationResult>;
}

export interface VerificationResult {
  /** namespace/name */
  analysisRun: string;
  phase: 'Successful' | 'Failed' | 'Error' | 'Inconclusive';
  message: string;
  measurements: { metric: string; phase: string; value?: string; at?: string }[];
}

/**
 * The activities the workflows schedule, one interface per trust zone (docs/architecture.md#trust-zones).
 * Workflows import these with `import type` only; each zone's worker registers an implementation.
 */
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

export interface ClusterActivities {
  /** Phase 0: API reachable, version, nodes Ready, permissions. Never throws for a failed check. */
  preflight(input: {
    platform: string;
    minKubernetesVersion: string;
    /** What to check with SelfSubjectAccessReviews; Baton's own needs when absent. */
    permissions?: PermissionRequirement[];
  }): Promise<PreflightReport>;
  /** Objects labelled as managed by Baton for the platform. */
  findOrphans(input: { platform: string }): Promise<ManagedObject[]>;
}

/** The cluster zone's writes, next to ClusterActivities: same worker, same credentials. */
export interface ClusterResourceActivities {
  /** Deletes with foreground propagation and waits until every object is gone; a timeout names what finalizers hold. */
  deleteResources(input: { objects: ManagedObject[]; timeoutMs: number }): Promise<DeleteResult>;
}

/**
 * The cluster zone's other writes, which no workflow schedules, so no worker registers them: the
 * integration tests call them directly (createClusterActivities) to put objects on the sandbox and wait for them.
 */
export interface ClusterManifestActivities {
  /**
   * Server-side apply (field manager `baton`), labelling each object as managed by Baton for the platform:
   * CRDs first (waited until Established), then namespaces, then everything else.
   */
  applyManifests(input: { platform: string; manifests: KubernetesManifest[]; force?: boolean; timeoutMs?: number }): Promise<ApplyResult>;
  /** Watches the objects until each is ready by its kind's rule; heartbeats list the ones still waiting. */
  awaitReady(input: { objects: ManagedObject[]; timeoutMs: number }): Promise<ReadyResult>;
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
}

export interface AnsibleActivities {
  runPlaybook(input: {
    playbook: PlaybookName;
    platform: string;
    environment: string;
    features: Record<string, boolean>;
    /** The root Application's source; the ansible settings' when absent (the integration tests run playbooks without a run). */
    source?: { repoURL: string; targetRevision: string };
    /** The repositories the platform's AppProject allows; the source's alone when absent. */
    sourceRepos?: string[];
  }): Promise<PlaybookSummary>;
}

/** A stack of one platform and environment; its Application's source (or sources) is resolved in the stack. */
export interface StackTarget {
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

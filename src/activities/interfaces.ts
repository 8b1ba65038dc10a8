/**
 * The activities the workflows schedule, one interface per trust zone (DESIGN §3).
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

export interface ClusterActivities {
  /** Phase 0: API reachable, version, nodes Ready, permissions. Never throws for a failed check. */
  preflight(input: { platform: string; minKubernetesVersion: string }): Promise<PreflightReport>;
  /** Objects labelled as managed by Baton for the platform. */
  findOrphans(input: { platform: string }): Promise<ManagedObject[]>;
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
    /** The root Application's source; the worker's setting when absent. */
    source?: { repoURL: string; targetRevision: string };
  }): Promise<PlaybookSummary>;
}

export interface StackTarget {
  platform: string;
  environment: string;
  stack: ResolvedStack;
  source: { repoURL: string; targetRevision: string };
}

export interface ApplicationStatus {
  application: string;
  health: string;
  sync: string;
  revision?: string;
}

export interface ArgoCdActivities {
  /** Waits until Argo CD's API answers and accepts a login. */
  awaitArgoCdOperational(input: { credentialsRef?: string }): Promise<{ version: string }>;
  ensureApplication(target: StackTarget): Promise<{ application: string; created: boolean }>;
  syncApplication(target: StackTarget): Promise<{ application: string; revision?: string }>;
  awaitApplicationHealthy(target: StackTarget): Promise<ApplicationStatus>;
  deleteApplication(target: StackTarget): Promise<{ application: string; existed: boolean }>;
}

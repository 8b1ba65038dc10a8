import type { ArgoCdRelease } from '../argocd.js';
import type { ArgoCdMode, SandboxConfig } from '../config.js';
import type { SandboxLayout } from '../layout.js';
import type { SandboxTokens } from '../pki.js';

export type PartName =
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kwok'
  | 'temporal'
  | 'redis'
  | 'registry'
  | 'argocd-repo-server'
  | 'argocd-application-controller'
  | 'argocd-server'
  | 'argocd-supervisor'
  | 'rollouts-controller'
  | 'rollouts-supervisor';

/** What every part's command line and readiness probe may need. */
export interface PartContext {
  config: SandboxConfig;
  layout: SandboxLayout;
  tokens: SandboxTokens;
  /** The sandbox CA (PEM), to verify the parts' HTTPS endpoints. */
  ca: string;
  /** The pinned Argo CD release: its version and the manifests it ships. */
  argocd: ArgoCdRelease;
  /** Progress lines for people watching. */
  say: (line: string) => void;
}

/** What preparing a part found: `restart` says why a running process must not be reused. */
export interface PrepareOutcome {
  restart?: string;
}

/** One local process of the sandbox: how to start it and how to tell that it is ready. */
export interface SandboxPart {
  name: PartName;
  /** The executable: a name in .tools/bin, or an absolute path (a Debian package's program). */
  binary: string;
  /** How to get the executable when it is missing (default: build it with scripts/build-tools.sh). */
  install?: string;
  /** Parts that must be ready before this one starts. */
  after: PartName[];
  /** The loopback ports it listens on; each must be free before it starts. */
  ports(config: SandboxConfig): number[];
  /** Where it listens, for progress lines and status. */
  endpoint(config: SandboxConfig): string;
  args(context: PartContext): string[] | Promise<string[]>;
  /** The environment it runs with (default: this process's). */
  env?(context: PartContext): NodeJS.ProcessEnv;
  /** Runs on every up once the parts it comes after are ready, before it is started or reused. */
  prepare?(context: PartContext): Promise<PrepareOutcome | void>;
  /** Resolves once when the part serves; rejects with the reason otherwise. */
  ready(context: PartContext): Promise<void>;
  /** Runs on every up once the part is ready (started or reused), before the parts that come after it: the cluster objects it needs. */
  afterReady?(context: PartContext): Promise<void>;
  /** The Argo CD modes it runs in (default: every mode). */
  modes?: ArgoCdMode[];
  /**
   * In the bootstrap mode, the Argo CD workload bootstrap installs for this process: the supervisor runs
   * the process while that workload (and Argo CD's CRDs and configuration) is in the cluster.
   */
  argoCdWorkload?: { kind: 'Deployment' | 'StatefulSet'; name: string };
  /** Why it listens beyond 127.0.0.1 when it has no flag to bind it there; `baton sandbox listeners` names it. */
  listensBeyondLoopback?: string;
  /** In every mode, the supervisor that runs it while what it needs is in its cluster (the Argo Rollouts CRDs). */
  supervisor?: 'rollouts-supervisor';
}

/** Who starts a part: `up` itself, a supervisor (Argo CD's in bootstrap mode, Argo Rollouts'), or nobody (not in this mode). */
export type PartStarter = 'up' | 'argocd-supervisor' | 'rollouts-supervisor' | 'nobody';

export function startedBy(part: SandboxPart, mode: ArgoCdMode): PartStarter {
  if (part.modes && !part.modes.includes(mode)) return 'nobody';
  if (part.supervisor) return part.supervisor;
  return mode === 'bootstrap' && part.argoCdWorkload ? 'argocd-supervisor' : 'up';
}

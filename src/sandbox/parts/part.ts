import type { SandboxConfig } from '../config.js';
import type { SandboxLayout } from '../layout.js';
import type { SandboxTokens } from '../pki.js';

export type PartName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok' | 'temporal';

/** What every part's command line and readiness probe may need. */
export interface PartContext {
  config: SandboxConfig;
  layout: SandboxLayout;
  tokens: SandboxTokens;
  /** The sandbox CA (PEM), to verify the parts' HTTPS endpoints. */
  ca: string;
}

/** One local process of the sandbox: how to start it and how to tell that it is ready. */
export interface SandboxPart {
  name: PartName;
  /** The executable's name in .tools/bin. */
  binary: string;
  /** Parts that must be ready before this one starts. */
  after: PartName[];
  /** The loopback ports it listens on; each must be free before it starts. */
  ports(config: SandboxConfig): number[];
  /** Where it listens, for progress lines and status. */
  endpoint(config: SandboxConfig): string;
  args(context: PartContext): string[] | Promise<string[]>;
  /** Resolves once when the part serves; rejects with the reason otherwise. */
  ready(context: PartContext): Promise<void>;
}

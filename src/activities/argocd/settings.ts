/** How the argocd zone's worker reaches Argo CD; fixed per worker, not per run. */
export interface ArgoCdSettings {
  /** Argo CD's API, e.g. http://127.0.0.1:18080 (the sandbox) or https://argocd.example.com. */
  url: string;
  /**
   * How to log in: an API token in a file (re-read on every 401, so a rotated token is picked up), or a
   * local account's password in a file, exchanged for a session token.
   */
  credentials: { tokenFile: string } | { username: string; passwordFile: string };
  /** The AppProject the stacks' Applications belong to; default the platform's own (created by bootstrap). */
  project?: string;
  /** The namespace Argo CD watches for Applications. */
  applicationNamespace?: string;
  /** The destination cluster, as Argo CD names it. */
  destinationServer?: string;
  /** How long a request may take before it is abandoned (ms). */
  requestTimeoutMs?: number;
  /** How long to wait between tries while another operation holds the Application (ms). */
  operationInProgressBackoffMs?: number;
}

export const inClusterServer = 'https://kubernetes.default.svc';

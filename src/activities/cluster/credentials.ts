import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { activityContext } from '../heartbeat.js';
import { tokenSubject } from '../tokenSubject.js';
import { ClusterClient, type ClusterSettings } from './client.js';

/** Who a kubeconfig acts as: its token's subject (a ServiceAccount's full name), else its user's name; never the token. */
export function identityOf(kubeConfig: KubeConfig): string {
  const user = kubeConfig.getCurrentUser();
  return (user?.token ? tokenSubject(user.token) : undefined) ?? `user ${user?.name ?? '(none)'}`;
}

/** Rotation replaces the file: a new inode, mtime or size means new credentials. */
function versionOf(stats: Stats): string {
  return `${stats.ino}:${stats.mtimeMs}:${stats.size}`;
}

async function fileVersion(path: string): Promise<string | undefined> {
  try {
    return versionOf(await stat(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the automation kubeconfig ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function logIdentity(identity: string): void {
  activityContext()?.log.info(`cluster zone acts as ${identity}`);
}

/**
 * The cluster zone's two credentials. The kubeconfig the worker started with serves phase 0, before any
 * automation credential exists, and the orphan check after teardown, once that ServiceAccount is gone (the
 * check lists every kind, Secrets included: granting that to the ServiceAccount would let it read every token).
 * Everything else acts as the automation ServiceAccount as soon as rotation has written its kubeconfig,
 * read again whenever the file changes (a later rotation needs no restart); without the file, as started.
 */
export class ClusterCredentials {
  private readonly start: ClusterClient;
  private automation: { version: string; client: ClusterClient } | undefined;
  private announced: string | undefined;

  constructor(
    private readonly settings: ClusterSettings,
    /** Told the identity in use each time it changes. */
    private readonly announce: (identity: string) => void = logIdentity,
  ) {
    this.start = new ClusterClient(settings);
  }

  /** The kubeconfig the worker started with. */
  startClient(): ClusterClient {
    return this.used(this.start, this.settings.kubeconfig ?? 'the default kubeconfig');
  }

  /** The automation ServiceAccount's kubeconfig when rotation has written it, else the start kubeconfig. */
  async currentClient(): Promise<ClusterClient> {
    const path = this.settings.automationKubeconfig;
    const version = path ? await fileVersion(path) : undefined;
    if (!path || version === undefined) {
      this.automation = undefined;
      return this.startClient();
    }
    if (this.automation?.version !== version) {
      try {
        this.automation = { version, client: new ClusterClient({ ...this.settings, kubeconfig: path }) };
      } catch (err) {
        throw new Error(`the automation kubeconfig ${path} is not a usable kubeconfig: ${(err as Error).message}`, { cause: err });
      }
    }
    return this.used(this.automation.client, path);
  }

  private used(client: ClusterClient, source: string): ClusterClient {
    const identity = `${identityOf(client.kubeConfig)} (${source})`;
    if (identity !== this.announced) {
      this.announced = identity;
      this.announce(identity);
    }
    return client;
  }
}

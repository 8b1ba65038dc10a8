import { MockActivityEnvironment } from '@temporalio/testing';
import { ArgoCdClient, createArgoCdActivities, type ArgoCdSettings } from '../src/activities/argocd/index.js';
import type { StackTarget } from '../src/activities/interfaces.js';
import { commitFiles, type SandboxStatus } from '../src/sandbox/index.js';
import { applicationName } from '../src/spec/names.js';
import { deploymentManifest } from '../test/support/stackManifests.js';

export interface DetectionResult {
  stack: string;
  /** From the stream event in which Argo CD first reported Healthy and Synced to awaitApplicationHealthy returning. */
  detectionMs: number;
  /** From the sync request to Healthy and Synced, as Argo CD reported it: the work of kwok, the controllers and Argo CD. */
  deployMs: number;
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * How long Baton takes to notice a stack is healthy: for each of `count` one-Deployment stacks on the
 * sandbox's real Argo CD, an independent watcher records when Argo CD's event stream first says Healthy
 * and Synced, and the awaitApplicationHealthy activity's return is compared with it.
 */
export async function measureDetection(status: SandboxStatus, count: number): Promise<DetectionResult[]> {
  const run = Date.now().toString(36);
  const project = 'default';
  const settings: ArgoCdSettings = {
    url: status.argocd.url,
    credentials: { username: 'admin', passwordFile: status.argocd.passwordFile },
    project,
  };
  const activities = createArgoCdActivities(settings);
  const names = Array.from({ length: count }, (_, i) => `bench${i}`);
  await commitFiles(
    status.git.path,
    names.map((name) => ({ path: `bench/${run}/${name}/app.yaml`, content: deploymentManifest(name) })),
    `Detection bench ${run}`,
  );

  const results: DetectionResult[] = [];
  for (const name of names) {
    const target: StackTarget = {
      platform: 'bench',
      environment: run,
      stack: {
        name,
        source: { repoURL: status.git.url, path: `bench/${run}/${name}`, targetRevision: status.git.branch },
        namespace: `bench-${run}`,
        dependsOn: [],
        healthTimeout: '2m',
        retry: {},
        sync: { selfHeal: true, prune: true, options: ['CreateNamespace=true'] },
        createsNamespace: true,
      },
    };
    const env = () => new MockActivityEnvironment({ heartbeatTimeoutMs: 30_000 }, { logger: quiet });
    await env().run(() => activities.ensureApplication(target));
    const watcher = new AbortController();
    let reportedAt = 0;
    const watching = (async () => {
      for await (const event of new ArgoCdClient(settings).watchApplication(applicationName('bench', run, name), watcher.signal)) {
        const s = event.application.status;
        if (
          !event.application.operation &&
          s?.operationState?.phase !== 'Running' &&
          s?.health?.status === 'Healthy' &&
          s.sync?.status === 'Synced'
        ) {
          reportedAt = Date.now();
          return;
        }
      }
    })().catch(() => undefined);
    const syncAt = Date.now();
    await env().run(() => activities.syncApplication(target));
    await env().run(() => activities.awaitApplicationHealthy(target));
    const markedAt = Date.now();
    await Promise.race([watching, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    watcher.abort();
    results.push({
      stack: name,
      detectionMs: reportedAt ? markedAt - reportedAt : Number.NaN,
      deployMs: (reportedAt || markedAt) - syncAt,
    });
    await env().run(() => activities.deleteApplication(target));
  }
  return results;
}

import { z } from 'zod';
import type { AnsibleSettings } from '../activities/ansible/index.js';
import type { ArgoCdSettings } from '../activities/argocd/index.js';
import type { ClusterZoneSettings } from '../activities/cluster/index.js';
import { clusterAutomationKubeconfig } from '../activities/clusters.js';
import { dnsLabel, inClusterName } from '../spec/schema.js';
import { servedQueues, type ServedQueue } from './servedQueues.js';

const nonEmpty = z.string().min(1);

/**
 * Everything a worker needs besides the Temporal connection, checked before anything starts: each
 * zone it serves must have its own settings (the cluster zone a kubeconfig, the argocd zone Argo CD's
 * URL and credentials, the ansible zone the manifests to install).
 */
export const workerSettingsSchema = z
  .object({
    taskQueuePrefix: z.string().regex(/^[a-z0-9][-a-z0-9]*$/, 'must be lower-case letters, digits and "-"'),
    serve: z.array(z.enum(servedQueues)).min(1, `name at least one of ${servedQueues.join(', ')}`),
    /** The hub: the cluster Argo CD runs in, `in-cluster` to Argo CD and to the environments. */
    kubeconfig: nonEmpty.optional(),
    /** The other clusters environments deploy to, by the name they are registered under in Argo CD. */
    clusters: z
      .record(z.string(), z.object({ kubeconfig: nonEmpty }).strict())
      // Checked here rather than as the record's key schema, which would say only "Invalid key in record".
      .superRefine((clusters, ctx) => {
        for (const name of Object.keys(clusters)) {
          const message =
            name === inClusterName
              ? 'is the hub, whose kubeconfig is --kubeconfig (BATON_KUBECONFIG); give --cluster only the other clusters'
              : dnsLabel.safeParse(name).error?.issues[0]?.message;
          if (message) ctx.addIssue({ code: 'custom', path: [name], message });
        }
      })
      .optional(),
    /** Written by rotation (ansible zone), read by the cluster zone instead of kubeconfig once it exists. */
    automationKubeconfig: nonEmpty.optional(),
    argocd: z
      .object({
        url: z.url({ message: 'must be a URL such as http://127.0.0.1:18080' }),
        credentials: z.union([
          z.object({ tokenFile: nonEmpty }).strict(),
          z.object({ username: nonEmpty, passwordFile: nonEmpty }).strict(),
        ]),
        project: nonEmpty.optional(),
        tokenFile: nonEmpty.optional(),
      })
      .strict()
      .optional(),
    argocdManifestsDir: nonEmpty.optional(),
  })
  // A setting nothing reads is refused, not dropped: the root Application's source comes with each run.
  .strict()
  .superRefine((settings, ctx) => {
    const needs = (queue: ServedQueue, present: unknown, what: string) => {
      if (settings.serve.includes(queue) && present === undefined)
        ctx.addIssue({ code: 'custom', path: [queue], message: `serving ${queue} needs ${what}` });
    };
    needs('cluster', settings.kubeconfig, 'a kubeconfig (--kubeconfig or BATON_KUBECONFIG)');
    needs('ansible', settings.kubeconfig, 'a kubeconfig (--kubeconfig or BATON_KUBECONFIG)');
    needs('ansible', settings.argocdManifestsDir, "Argo CD's manifests (--argocd-manifests or BATON_ARGOCD_MANIFESTS)");
    needs('promotion', settings.kubeconfig, 'a kubeconfig (--kubeconfig or BATON_KUBECONFIG)');
    needs(
      'promotion',
      settings.argocd,
      "Argo CD's URL and credentials (--argocd-url with --argocd-token-file, or --argocd-username and --argocd-password-file)",
    );
    needs(
      'argocd',
      settings.argocd,
      "Argo CD's URL and credentials (--argocd-url with --argocd-token-file, or --argocd-username and --argocd-password-file)",
    );
  });

export type WorkerSettings = z.infer<typeof workerSettingsSchema>;

/** Each cluster's kubeconfig, and where rotation writes its automation kubeconfig (beside the hub's). */
export function clusterSettings(settings: WorkerSettings): ClusterZoneSettings {
  const { automationKubeconfig } = settings;
  const spokes = Object.entries(settings.clusters ?? {}).map(([name, { kubeconfig }]) => [
    name,
    { kubeconfig, ...(automationKubeconfig ? { automationKubeconfig: clusterAutomationKubeconfig(automationKubeconfig, name) } : {}) },
  ]);
  return {
    ...(settings.kubeconfig ? { kubeconfig: settings.kubeconfig } : {}),
    ...(automationKubeconfig ? { automationKubeconfig } : {}),
    ...(spokes.length > 0 ? { clusters: Object.fromEntries(spokes) } : {}),
  };
}

export function argoCdSettings(settings: WorkerSettings): ArgoCdSettings | undefined {
  const argocd = settings.argocd;
  return argocd && { url: argocd.url, credentials: argocd.credentials, ...(argocd.project ? { project: argocd.project } : {}) };
}

export function ansibleSettings(settings: WorkerSettings): AnsibleSettings | undefined {
  if (!settings.kubeconfig || !settings.argocdManifestsDir) return undefined;
  const argocd = settings.argocd;
  const passwordFile = argocd && 'passwordFile' in argocd.credentials ? argocd.credentials.passwordFile : undefined;
  return {
    kubeconfig: settings.kubeconfig,
    argocdManifestsDir: settings.argocdManifestsDir,
    ...(argocd ? { argocdUrl: argocd.url } : {}),
    ...(passwordFile ? { argocdAdminPasswordFile: passwordFile } : {}),
    ...(argocd?.tokenFile ? { argocdTokenFile: argocd.tokenFile } : {}),
    ...(settings.automationKubeconfig ? { automationKubeconfigFile: settings.automationKubeconfig } : {}),
    ...(settings.clusters ? { clusters: settings.clusters } : {}),
  };
}

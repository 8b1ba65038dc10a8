import { z } from 'zod';
import type { AnsibleSettings } from '../activities/ansible/index.js';
import type { ArgoCdSettings } from '../activities/argocd/index.js';
import type { ClusterSettings } from '../activities/cluster/index.js';
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
    serve: z.array(z.enum(servedQueues)).min(1, 'name at least one of workflows, cluster, ansible, argocd'),
    kubeconfig: nonEmpty.optional(),
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
    needs(
      'argocd',
      settings.argocd,
      "Argo CD's URL and credentials (--argocd-url with --argocd-token-file, or --argocd-username and --argocd-password-file)",
    );
  });

export type WorkerSettings = z.infer<typeof workerSettingsSchema>;

export function clusterSettings(settings: WorkerSettings): ClusterSettings {
  return {
    ...(settings.kubeconfig ? { kubeconfig: settings.kubeconfig } : {}),
    ...(settings.automationKubeconfig ? { automationKubeconfig: settings.automationKubeconfig } : {}),
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
  };
}

import { ApiException, ApiextensionsV1Api, AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { argoCdNamespace } from './argocd.js';
import type { SandboxPart } from './parts/part.js';

/** The CRDs every Argo CD process watches. */
const argoCdCrds = ['applications.argoproj.io', 'appprojects.argoproj.io', 'applicationsets.argoproj.io'];
/** The configuration every Argo CD process reads at start. */
const argoCdConfigMaps = ['argocd-cm', 'argocd-rbac-cm'];
const argoCdSecret = 'argocd-secret';

/** What of Argo CD's install the cluster holds now. */
export interface ArgoCdInstallation {
  /** What Argo CD needs that is missing (an empty list: the CRDs are Established and the configuration exists). */
  missing: string[];
  /** The CRDs' uids: a changed value means they were deleted and created again, and watches on them are stale. */
  crdUids: string;
  /** The workloads present, as `Deployment/argocd-server`. */
  workloads: Set<string>;
}

export function workloadName(workload: NonNullable<SandboxPart['argoCdWorkload']>): string {
  return `${workload.kind}/${workload.name}`;
}

async function presentOrNot<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return undefined;
    throw err;
  }
}

/** Reads what bootstrap installs for the Argo CD processes, with the administrator's kubeconfig. */
export function argoCdInstallationReader(
  kubeconfig: string,
  workloads: NonNullable<SandboxPart['argoCdWorkload']>[],
): () => Promise<ArgoCdInstallation> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const extensions = config.makeApiClient(ApiextensionsV1Api);
  const core = config.makeApiClient(CoreV1Api);
  const apps = config.makeApiClient(AppsV1Api);
  const namespace = argoCdNamespace;
  return async () => {
    const missing: string[] = [];
    const uids: string[] = [];
    for (const name of argoCdCrds) {
      const crd = await presentOrNot(() => extensions.readCustomResourceDefinition({ name }));
      const established = crd?.status?.conditions?.some((condition) => condition.type === 'Established' && condition.status === 'True');
      if (!crd || !established || crd.metadata?.deletionTimestamp) missing.push(`CRD ${name}`);
      uids.push(crd?.metadata?.uid ?? '');
    }
    for (const name of argoCdConfigMaps) {
      if (!(await presentOrNot(() => core.readNamespacedConfigMap({ name, namespace })))) missing.push(`ConfigMap ${namespace}/${name}`);
    }
    if (!(await presentOrNot(() => core.readNamespacedSecret({ name: argoCdSecret, namespace }))))
      missing.push(`Secret ${namespace}/${argoCdSecret}`);
    const present = new Set<string>();
    for (const workload of workloads) {
      const read =
        workload.kind === 'Deployment'
          ? () => apps.readNamespacedDeployment({ name: workload.name, namespace })
          : () => apps.readNamespacedStatefulSet({ name: workload.name, namespace });
      const object = await presentOrNot<{ metadata?: { deletionTimestamp?: Date } }>(read);
      if (object && !object.metadata?.deletionTimestamp) present.add(workloadName(workload));
    }
    return { missing, crdUids: uids.join(','), workloads: present };
  };
}

import type { KubernetesManifest, ManagedObject } from '../interfaces.js';

/** `Deployment demo/web`, `Namespace demo`: how objects are named in messages and heartbeats. */
export function describeObject(object: ManagedObject): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

export function objectOf(manifest: KubernetesManifest): ManagedObject {
  return {
    apiVersion: manifest.apiVersion,
    kind: manifest.kind,
    name: manifest.metadata.name,
    ...(manifest.metadata.namespace ? { namespace: manifest.metadata.namespace } : {}),
  };
}

/** The object as the generic object API takes it: a header with metadata. */
export function headerOf(object: ManagedObject): { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name: object.name, ...(object.namespace ? { namespace: object.namespace } : {}) },
  };
}

export function isCustomResourceDefinition(object: { apiVersion: string; kind: string }): boolean {
  return object.kind === 'CustomResourceDefinition' && object.apiVersion.startsWith('apiextensions.k8s.io/');
}

export function isNamespace(object: { apiVersion: string; kind: string }): boolean {
  return object.kind === 'Namespace' && object.apiVersion === 'v1';
}

/** Apply order: CRDs (their kinds must exist), namespaces (their content needs them), then the rest as given. */
export function applyRank(object: { apiVersion: string; kind: string }): number {
  if (isCustomResourceDefinition(object)) return 0;
  if (isNamespace(object)) return 1;
  return 2;
}

export function inApplyOrder<T extends { apiVersion: string; kind: string }>(objects: T[]): T[] {
  return [...objects].sort((a, b) => applyRank(a) - applyRank(b));
}

export { managedByLabel, managedLabels, managedSelector, platformLabel } from '../../spec/labels.js';

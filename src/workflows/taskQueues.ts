/** The trust zones (docs/architecture.md#trust-zones); each has its own task queue so its activities run where its credentials live. */
export const trustZones = ['cluster', 'ansible', 'argocd', 'promotion'] as const;
export type TrustZone = (typeof trustZones)[number];

export const defaultTaskQueuePrefix = 'baton';

export function workflowTaskQueue(prefix: string): string {
  return `${prefix}-workflows`;
}

export function zoneTaskQueue(prefix: string, zone: TrustZone): string {
  return `${prefix}-${zone}`;
}

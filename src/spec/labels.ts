/** The labels that mark an object as Baton's, for one platform and environment: every zone writes them, findOrphans searches for them. */
export const managedByLabel = 'app.kubernetes.io/managed-by';
export const platformLabel = 'baton.dev/platform';
export const environmentLabel = 'baton.dev/environment';
/** On a stack's Application: which stack it deploys. */
export const stackLabel = 'baton.dev/stack';
/** On an AnalysisRun: the freight it verifies. */
export const freightLabel = 'baton.dev/freight';

export function managedLabels(platform: string, environment: string): Record<string, string> {
  return { [managedByLabel]: 'baton', [platformLabel]: platform, [environmentLabel]: environment };
}

/** Every object of the platform; with an environment, only that environment's. */
export function managedSelector(platform: string, environment?: string): string {
  return `${managedByLabel}=baton,${platformLabel}=${platform}${environment === undefined ? '' : `,${environmentLabel}=${environment}`}`;
}

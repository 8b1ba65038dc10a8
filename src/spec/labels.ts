/** The labels that mark an object as Baton's, for one platform: every zone writes them, findOrphans searches for them. */
export const managedByLabel = 'app.kubernetes.io/managed-by';
export const platformLabel = 'baton.dev/platform';

export function managedLabels(platform: string): Record<string, string> {
  return { [managedByLabel]: 'baton', [platformLabel]: platform };
}

export function managedSelector(platform: string): string {
  return `${managedByLabel}=baton,${platformLabel}=${platform}`;
}

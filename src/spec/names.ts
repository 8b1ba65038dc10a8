/** The id of a platform's lifecycle run: one per platform and environment. */
export function lifecycleWorkflowId(platform: string, environment: string): string {
  return `baton/${platform}/${environment}`;
}

/** The id of a stack's deploy or delete child. */
export function stackWorkflowId(platform: string, environment: string, stack: string): string {
  return `${lifecycleWorkflowId(platform, environment)}/${stack}`;
}

export function bootstrapWorkflowId(platform: string, environment: string): string {
  return `${lifecycleWorkflowId(platform, environment)}/bootstrap`;
}

/** The Argo CD Application that holds a stack in one environment. */
export function applicationName(platform: string, environment: string, stack: string): string {
  return `${platform}-${environment}-${stack}`;
}

/** The AppProject of one environment of a platform: its destinations allow only that environment's cluster. */
export function appProjectName(platform: string, environment: string): string {
  return `${platform}-${environment}`;
}

/** The warehouse of a platform: one per platform, so starting it twice finds the one that runs. */
export function warehouseWorkflowId(platform: string): string {
  return `baton/${platform}/warehouse`;
}

/** One promotion of one freight into one environment: asking for it again finds the one that runs. */
export function promotionWorkflowId(platform: string, freightId: string, environment: string): string {
  return `baton/${platform}/promotion/${freightId}-${environment}`;
}

/** What one worker process serves: the workflow queue and/or trust zones' activity queues. */
export const servedQueues = ['workflows', 'cluster', 'ansible', 'argocd', 'promotion'] as const;
export type ServedQueue = (typeof servedQueues)[number];

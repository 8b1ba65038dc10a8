import { z } from 'zod';
import type { ArgoCdClient } from './client.js';
import { apiErrorSchema, type Application } from './schemas.js';

/** The Argo Rollouts actions Argo CD ships for a Rollout (its resource_customizations/argoproj.io/Rollout/actions). */
export const rolloutActions = ['resume', 'abort', 'promote-full', 'retry'] as const;
export type RolloutAction = (typeof rolloutActions)[number];

export const resourceActionRequestSchema = z.strictObject({
  application: z.string().min(1),
  group: z.literal('argoproj.io'),
  kind: z.literal('Rollout'),
  name: z.string().min(1),
  namespace: z.string().min(1),
  action: z.enum(rolloutActions),
});
export type ResourceActionRequest = z.infer<typeof resourceActionRequestSchema>;

/** The API version of the Rollout kind, which Argo CD needs to find the resource in the Application's tree. */
const rolloutVersion = 'v1alpha1';

/**
 * Runs one of Argo CD's resource actions on a Rollout of an Application (`POST
 * /api/v1/applications/{app}/resource/actions/v2`): Argo CD applies the action's patch (resume clears the
 * pause conditions, abort sets status.abort) with its own credentials and records it in its audit log, so
 * Baton never patches the Rollout itself.
 */
export async function runResourceAction(client: ArgoCdClient, request: ResourceActionRequest, signal?: AbortSignal): Promise<void> {
  const { application, group, kind, name, namespace, action } = resourceActionRequestSchema.parse(request);
  await client.call('POST', `/api/v1/applications/${encodeURIComponent(application)}/resource/actions/v2`, apiErrorSchema, {
    body: { name: application, namespace, resourceName: name, version: rolloutVersion, group, kind, action },
    signal,
  });
}

/** A Rollout among an Application's resources, with the health Argo CD gives it (Healthy, Suspended for a paused canary, ...). */
export interface ApplicationRollout {
  name: string;
  namespace: string;
  health: string | undefined;
}

/** The Rollouts Argo CD lists in the Application's status.resources. */
export function applicationRollouts(application: Application): ApplicationRollout[] {
  return (application.status?.resources ?? [])
    .filter((resource) => resource.group === 'argoproj.io' && resource.kind === 'Rollout')
    .map((resource) => ({ name: resource.name, namespace: resource.namespace ?? '', health: resource.health?.status }));
}

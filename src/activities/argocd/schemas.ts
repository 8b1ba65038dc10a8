import { z } from 'zod';

/**
 * The parts of Argo CD's API responses Baton reads (Argo CD v3 REST API; docs/architecture.md#argo-cd-api-calls). Objects are
 * loose: Argo CD adds fields between releases and Baton must not break on them.
 */
export const versionSchema = z.looseObject({ Version: z.string() });

export const sessionSchema = z.looseObject({ token: z.string().min(1) });

/** GET /api/v1/account/can-i/...: "yes" or "no". */
export const canISchema = z.looseObject({ value: z.string() });

export const userInfoSchema = z.looseObject({ loggedIn: z.boolean().optional(), username: z.string().optional() });

/** grpc-gateway's error body. */
export const apiErrorSchema = z.looseObject({ error: z.string().optional(), message: z.string().optional(), code: z.number().optional() });

const resourceRefFields = {
  group: z.string().optional(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
};

export const resourceStatusSchema = z.looseObject({
  ...resourceRefFields,
  version: z.string().optional(),
  status: z.string().optional(),
  health: z.looseObject({ status: z.string().optional(), message: z.string().optional() }).optional(),
});

export const resourceResultSchema = z.looseObject({
  ...resourceRefFields,
  status: z.string().optional(),
  message: z.string().optional(),
  hookPhase: z.string().optional(),
});

export const operationStateSchema = z.looseObject({
  phase: z.enum(['Running', 'Terminating', 'Failed', 'Error', 'Succeeded']),
  message: z.string().optional(),
  /** How often Argo CD has retried the sync after a failed attempt. */
  retryCount: z.number().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  syncResult: z.looseObject({ revision: z.string().optional(), resources: z.array(resourceResultSchema).optional() }).optional(),
});

export const applicationSchema = z.looseObject({
  metadata: z.looseObject({
    name: z.string(),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    deletionTimestamp: z.string().optional(),
  }),
  spec: z.looseObject({
    project: z.string(),
    /** `automated.enabled: false` turns an automated policy off without removing it. */
    syncPolicy: z.looseObject({ automated: z.looseObject({ enabled: z.boolean().optional() }).optional() }).optional(),
  }),
  /** Set by the API when a sync is requested, until the controller starts it. */
  operation: z.unknown().optional(),
  status: z
    .looseObject({
      health: z
        .looseObject({ status: z.string().optional(), message: z.string().optional(), lastTransitionTime: z.string().optional() })
        .optional(),
      sync: z.looseObject({ status: z.string().optional(), revision: z.string().optional() }).optional(),
      /** When the controller last compared the Application with its source. */
      reconciledAt: z.string().optional(),
      operationState: operationStateSchema.optional(),
      resources: z.array(resourceStatusSchema).optional(),
      conditions: z
        .array(z.looseObject({ type: z.string(), message: z.string().optional(), lastTransitionTime: z.string().optional() }))
        .optional(),
      history: z
        .array(z.looseObject({ id: z.number().optional(), revision: z.string().optional(), deployedAt: z.string().optional() }))
        .optional(),
    })
    .optional(),
});

/** One line of /api/v1/stream/applications: an event, or an error that ends the stream. */
export const applicationStreamLineSchema = z.looseObject({
  result: z.looseObject({ type: z.string(), application: applicationSchema }).optional(),
  error: z.looseObject({ message: z.string().optional(), http_code: z.number().optional() }).optional(),
});

export type Application = z.infer<typeof applicationSchema>;
export type ResourceStatus = z.infer<typeof resourceStatusSchema>;
export type OperationState = z.infer<typeof operationStateSchema>;
export type ResourceResult = z.infer<typeof resourceResultSchema>;
export type ApplicationEvent = { type: string; application: Application };

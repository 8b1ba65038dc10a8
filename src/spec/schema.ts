import { z } from 'zod';
import { stackSourceSchema } from './applicationSource.js';
import { stackOverrideSchema } from './environmentOverrides.js';

/** A Kubernetes DNS-1123 label: what stack, platform and namespace names must be. */
export const dnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters (a DNS-1123 label)')
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
  );

/** A duration as Temporal reads it: "500ms", "30s", "10m", "2h". */
export const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration such as "30s", "10m" or "1h"');

export const retryPolicySchema = z
  .object({
    maximumAttempts: z.number().int().min(1, 'must be at least 1').describe('attempts before the stack is marked failed'),
    initialInterval: duration,
    backoffCoefficient: z.number().min(1, 'must be at least 1 (1: the same interval every time)'),
    maximumInterval: duration,
  })
  .partial()
  .strict();

export const failurePolicySchema = z
  .enum(['continue', 'failFast'])
  .describe('continue: independent branches keep going after a failure; failFast: start nothing new after a failure');

/** How Argo CD keeps a stack in sync once Baton has deployed it. */
export const syncPolicySchema = z
  .object({
    selfHeal: z.boolean().describe('Argo CD reverts changes made to the live objects (drift)'),
    prune: z.boolean().describe('objects removed from Git are deleted from the cluster'),
    options: z
      .array(z.string().regex(/^[A-Za-z]+=[^=]+$/, 'must be an Argo CD sync option such as "CreateNamespace=true"'))
      .describe('Argo CD sync options'),
  })
  .partial()
  .strict();

/** The sync option with which Argo CD creates a stack's namespace when it is missing. */
export const createNamespaceOption = 'CreateNamespace=true';

export const defaultSyncPolicy = { selfHeal: true, prune: true, options: [createNamespaceOption] } as const;

/**
 * Stacks deploying at once when a spec leaves maxParallelStacks unset. On the bench's fan-out of 100 Baton took
 * 141 s at 4, 84.5 s at 16 and 68.6 s at 50 (bench/README.md): past 16 the stacks mostly wait in Argo CD's queue.
 */
export const defaultMaxParallelStacks = 16;

export const defaultsSchema = z
  .object({
    /** Unset means defaultMaxParallelStacks; left unset in the parsed spec so that runs recorded before it keep theirs. */
    maxParallelStacks: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(500, 'must be at most 500')
      .optional()
      .describe(`stacks deploying at once (default ${defaultMaxParallelStacks})`),
    failurePolicy: failurePolicySchema.default('continue'),
    healthTimeout: duration.default('10m').describe('how long a stack may take to become Healthy'),
    retry: retryPolicySchema.default({}),
    sync: syncPolicySchema.default({}),
  })
  .strict();

export const stackSchema = z
  .object({
    name: dnsLabel,
    path: z
      .string()
      .min(1, 'must not be empty')
      .optional()
      .describe('shorthand for source.path: a folder in the platform repository; default stacks/<name>'),
    source: stackSourceSchema
      .optional()
      .describe("the Application's source (Argo CD's ApplicationSource); fields left out come from spec.source"),
    sources: z
      .array(stackSourceSchema)
      .min(1, 'must list at least one source')
      .optional()
      .describe('the sources of a multi-source Application, instead of source'),
    namespace: dnsLabel.optional().describe('destination namespace; default <name>'),
    dependsOn: z.array(z.string()).default([]),
    healthTimeout: duration.optional(),
    retry: retryPolicySchema.optional(),
    sync: syncPolicySchema.optional(),
  })
  .strict();

export const sourceSchema = z
  .object({
    repoURL: z.string().min(1, 'must not be empty'),
    targetRevision: z.string().min(1, 'must not be empty').default('HEAD'),
  })
  .strict();

/** The name Argo CD gives the cluster it runs in (the hub). */
export const inClusterName = 'in-cluster';

/** Who must approve a promotion, how many of them, and for how long the request stays open. */
export const approvalPolicySchema = z
  .object({
    required: z.number().int().min(1, 'must be at least 1').describe('distinct approvals the promotion needs'),
    from: z.array(z.string().min(1, 'must not be empty')).min(1, 'must list at least one approver').describe('the allowed approvers'),
    expiresAfter: duration.default('24h').describe('an approval window that closes unmet rejects the promotion'),
    separateFromRequester: z.boolean().default(false).describe('the requester may not approve their own promotion'),
  })
  .strict();

/** The Argo Rollouts AnalysisTemplates a promotion runs once the environment is healthy at the new freight. */
export const verificationPolicySchema = z
  .object({
    analysisTemplates: z.array(z.string().min(1, 'must not be empty')).min(1, 'must list at least one AnalysisTemplate'),
    args: z.record(z.string(), z.string()).default({}).describe('arguments of the AnalysisRun, besides freight, revision and environment'),
    namespace: dnsLabel.optional().describe("where the templates are; default: the namespace of the platform's stacks that has them all"),
  })
  .strict();

/** How freight reaches an environment: automatically or on request, from which upstream environments, behind which gates. */
export const promotionSchema = z
  .object({
    auto: z.boolean().default(false).describe('promote new freight without a request once the gates pass'),
    from: z.array(z.string()).default([]).describe('upstream environments; none: freight comes straight from the warehouse'),
    verifiedIn: z.array(z.string()).default([]).describe('environments (among from) where the freight must have passed verification'),
    soak: duration.optional().describe('how long the freight must have run healthy in every upstream environment'),
    approvals: approvalPolicySchema.optional(),
    verification: verificationPolicySchema.optional(),
  })
  .strict();

export type PromotionPolicy = z.infer<typeof promotionSchema>;
export type PromotionPolicyInput = z.input<typeof promotionSchema>;

/** An environment the platform may be deployed to; `baton deploy --env` accepts only these when any are declared. */
export const environmentSchema = z
  .object({
    name: dnsLabel,
    cluster: dnsLabel
      .default(inClusterName)
      .describe(`the cluster registered in Argo CD that this environment deploys to; ${inClusterName}: the cluster Argo CD runs in`),
    namespaceSuffix: z
      .string()
      .regex(/^-?[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lower-case letters, digits and "-", such as "-dev"')
      .optional()
      .describe("appended to every stack's namespace in this environment, such as -dev"),
    promotion: promotionSchema.optional().describe('how freight reaches this environment: from where, behind which gates'),
    stacks: z
      .record(z.string(), stackOverrideSchema)
      .optional()
      .describe("per stack, by name: what this environment changes in the stack's source, such as Helm valueFiles"),
  })
  .strict();

export const clusterRequirementsSchema = z
  .object({
    minKubernetesVersion: z
      .string()
      .regex(/^v?\d+\.\d+(\.\d+)?$/, 'must be a version such as "1.30" or "v1.30.0"')
      .default('1.30'),
  })
  .strict();

export const bootstrapOptionsSchema = z
  .object({
    argoEvents: z.boolean().default(false),
    argoRollouts: z.boolean().default(false),
    kargo: z.boolean().default(false),
  })
  .strict();

export const platformSpecSchema = z
  .object({
    apiVersion: z.literal('baton/v1alpha1'),
    kind: z.literal('Platform'),
    metadata: z.object({ name: dnsLabel }).strict(),
    spec: z
      .object({
        source: sourceSchema,
        cluster: clusterRequirementsSchema.default({ minKubernetesVersion: '1.30' }),
        bootstrap: bootstrapOptionsSchema.default({ argoEvents: false, argoRollouts: false, kargo: false }),
        defaults: defaultsSchema.default({ failurePolicy: 'continue', healthTimeout: '10m', retry: {}, sync: {} }),
        stacks: z.array(stackSchema).min(1, 'a platform needs at least one stack'),
        environments: z.array(environmentSchema).default([]),
      })
      .strict(),
  })
  .strict();

export type PlatformSpec = z.infer<typeof platformSpecSchema>;
export type PlatformSpecInput = z.input<typeof platformSpecSchema>;
export type StackSpec = z.infer<typeof stackSchema>;
export type RetryPolicySpec = z.infer<typeof retryPolicySchema>;
export type SyncPolicySpec = z.infer<typeof syncPolicySchema>;
export type FailurePolicy = z.infer<typeof failurePolicySchema>;

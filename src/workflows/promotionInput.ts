import { ApplicationFailure } from '@temporalio/workflow';
import { z } from 'zod';
import { freightSchema } from '../promotion/freight.js';
import { dnsLabel, duration, promotionSchema } from '../spec/index.js';
import { failureTypes } from './failureTypes.js';
import { defaultTaskQueuePrefix } from './taskQueues.js';

/** Every wait of a promotion, so a test can pass short ones and an installation long ones. */
export const promotionTimeoutsSchema = z
  .object({
    /** How long the target's Applications may take to be Synced and Healthy at a revision (or paused at a canary step). */
    promote: duration.default('15m'),
    /** How long an AnalysisRun may take to reach a verdict. */
    verification: duration.default('15m'),
    /** One question or update to a lifecycle run, or one Rollout action through Argo CD. */
    call: duration.default('1m'),
    heartbeat: duration.default('1m'),
  })
  .strict();
export type PromotionTimeouts = z.infer<typeof promotionTimeoutsSchema>;

export const promotionInputSchema = z
  .object({
    platform: dnsLabel,
    /** The target environment. */
    environment: dnsLabel,
    freight: freightSchema,
    requestedBy: z.string().min(1, 'must name who asks'),
    /** The target environment's promotion settings (its `from` environments are the upstream the gates ask). */
    policy: promotionSchema,
    /** The platform repository: the Applications whose sources come from it move to the freight's revision. */
    repoURL: z.string().min(1, 'must not be empty'),
    /** The target environment's cluster, where verification's AnalysisRun runs. */
    cluster: dnsLabel,
    /** The target environment's lifecycle run, which hands authority to the promotion and takes it back. */
    lifecycleWorkflowId: z.string().min(1, 'must not be empty'),
    taskQueuePrefix: z.string().min(1).default(defaultTaskQueuePrefix),
    timeouts: promotionTimeoutsSchema.default(promotionTimeoutsSchema.parse({})),
  })
  .strict();
export type PromotionInput = z.input<typeof promotionInputSchema>;
export type PromotionSettings = z.infer<typeof promotionInputSchema>;

/** A workflow's input with its defaults, or a non-retryable failure naming every bad field. */
export function parseWorkflowInput<S extends z.ZodType>(schema: S, rawInput: unknown, workflowType: string): z.infer<S> {
  const parsed = schema.safeParse(rawInput);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `  input.${i.path.join('.')}: ${i.message}`).join('\n');
  throw ApplicationFailure.nonRetryable(`invalid ${workflowType} input:\n${problems}`, failureTypes.invalidInput);
}

import { z } from 'zod';
import { promotionSchema } from '../spec/schema.js';
import { freightRefSchema, freightSchema } from './freight.js';

/** Where a promotion is: the first four are under way, the last four are its outcome. */
export const promotionStages = [
  'checking',
  'waiting-approval',
  'promoting',
  'verifying',
  'succeeded',
  'failed',
  'rejected',
  'expired',
] as const;
export const decidedStages: readonly PromotionStage[] = ['succeeded', 'failed', 'rejected', 'expired'];
export type PromotionStage = (typeof promotionStages)[number];

/** What an approval is for: the promotion itself, a paused canary, or an inconclusive verification. */
export const approvalSubjects = ['promotion', 'canary', 'verification'] as const;

export const recordedApprovalSchema = z
  .object({
    approver: z.string().min(1),
    at: z.iso.datetime(),
    reason: z.string().optional(),
    kind: z.enum(['approve', 'reject']),
    for: z.enum(approvalSubjects),
  })
  .strict();

export const measurementSchema = z
  .object({ metric: z.string(), phase: z.string(), value: z.string().optional(), at: z.string().optional() })
  .strict();

/** A promotion as its `state` query reports it: the trail of who asked, what was checked, who approved, what ran. */
export const promotionStateSchema = z
  .object({
    id: z.string().min(1),
    platform: z.string().min(1),
    environment: z.string().min(1),
    freight: freightSchema,
    requestedBy: z.string().min(1),
    requestedAt: z.iso.datetime(),
    state: z.enum(promotionStages),
    policy: promotionSchema,
    gates: z.array(z.object({ name: z.string(), passed: z.boolean(), message: z.string() }).strict()),
    approvals: z.array(recordedApprovalSchema),
    waitingFor: z.enum(approvalSubjects).nullable(),
    previous: freightRefSchema.nullable(),
    verification: z
      .object({ analysisRun: z.string(), phase: z.string(), measurements: z.array(measurementSchema) })
      .strict()
      .nullable(),
    message: z.string().nullable(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .strict();

export type PromotionState = z.infer<typeof promotionStateSchema>;
export type RecordedApproval = z.infer<typeof recordedApprovalSchema>;

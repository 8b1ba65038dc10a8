import { z } from 'zod';
import { freightSchema } from '../promotion/freight.js';
import { duration } from '../spec/index.js';
import { promotionTimeoutsSchema } from './promotionInput.js';
import { defaultTaskQueuePrefix } from './taskQueues.js';

/** A promotion the warehouse starts once its time comes: a downstream environment's, after the upstream's soak. */
export const pendingPromotionSchema = z.object({ environment: z.string(), freight: freightSchema, notBefore: z.string() }).strict();
export type PendingPromotion = z.infer<typeof pendingPromotionSchema>;

export const warehouseInputSchema = z
  .object({
    /** The platform spec document: its source is where freight comes from, its environments where it goes. */
    spec: z.unknown(),
    /** How often the platform's branch is asked for its newest commit. */
    pollInterval: duration.default('30s'),
    taskQueuePrefix: z.string().min(1).default(defaultTaskQueuePrefix),
    /** The timeouts of every promotion the warehouse starts. */
    promotionTimeouts: promotionTimeoutsSchema.default(promotionTimeoutsSchema.parse({})),
    /** Set by continueAsNew: the freight found so far, and the promotions not started yet. */
    knownFreight: z.array(freightSchema).default([]),
    pending: z.array(pendingPromotionSchema).default([]),
    /**
     * A test knob: the warehouse continues as new after this many polls, so a test sees the freight
     * carried over without waiting for the server to suggest it. Warehouses in use leave it unset.
     */
    continueAsNewAfterPolls: z.number().int().positive().optional(),
  })
  .strict();
export type WarehouseInput = z.input<typeof warehouseInputSchema>;
export type WarehouseSettings = z.infer<typeof warehouseInputSchema>;

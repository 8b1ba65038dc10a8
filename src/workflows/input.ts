import { ApplicationFailure } from '@temporalio/workflow';
import { z } from 'zod';
import { duration, formatIssue, validatePlatformSpec, type PlatformSpec } from '../spec/index.js';
import { failureTypes } from './failureTypes.js';
import { lifecycleStateSchema } from './state.js';
import { defaultTaskQueuePrefix } from './taskQueues.js';

/** Every wait of the lifecycle, so a test can pass short ones and an installation long ones. */
export const timeoutsSchema = z
  .object({
    preflight: duration.default('2m'),
    playbook: duration.default('30m'),
    argoCdOperational: duration.default('10m'),
    argoCdCall: duration.default('2m'),
    heartbeat: duration.default('1m'),
    /** Added to a stack's healthTimeout for the activity that waits for health. */
    healthGrace: duration.default('1m'),
    orphanCheck: duration.default('5m'),
    /** How long one steady-state watch of Argo CD lasts before the run looks again (and may continue as new). */
    steadyStateWatch: duration.default('10m'),
  })
  .strict();
export type Timeouts = z.infer<typeof timeoutsSchema>;

export const lifecycleInputSchema = z
  .object({
    /** The platform spec as a parsed document; the workflow validates it. */
    spec: z.unknown(),
    environment: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label'),
    taskQueuePrefix: z.string().min(1).default(defaultTaskQueuePrefix),
    timeouts: timeoutsSchema.default(timeoutsSchema.parse({})),
    /** Set by continueAsNew: the state to carry on with. */
    carriedState: lifecycleStateSchema.optional(),
    /**
     * A test knob: phase 3 continues as new after this many steady-state watches, so a test sees the
     * state carried over without waiting for the server to suggest it. Runs in use leave it unset.
     */
    continueAsNewAfterWatches: z.number().int().positive().optional(),
  })
  .strict();
export type LifecycleInput = z.input<typeof lifecycleInputSchema>;
export type LifecycleSettings = z.infer<typeof lifecycleInputSchema>;

/** The run's input with its defaults, or a non-retryable failure naming every bad field. */
export function parseLifecycleInput(rawInput: LifecycleInput): LifecycleSettings {
  const parsed = lifecycleInputSchema.safeParse(rawInput);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `  input.${i.path.join('.')}: ${i.message}`).join('\n');
  throw ApplicationFailure.nonRetryable(`invalid platformLifecycle input:\n${problems}`, failureTypes.invalidInput);
}

/** The validated platform spec, or a non-retryable failure listing its problems (also as details). */
export function parsePlatformSpec(document: unknown): PlatformSpec {
  const result = validatePlatformSpec(document);
  if (result.ok) return result.spec;
  const problems = result.issues.map((i) => `  ${formatIssue(i)}`).join('\n');
  throw ApplicationFailure.nonRetryable(`invalid platform spec:\n${problems}`, failureTypes.invalidPlatformSpec, result.issues);
}

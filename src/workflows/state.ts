import { z } from 'zod';
import { deployedFreightSchema, verifiedFreightSchema } from '../promotion/freight.js';
import { specChangePlanSchema } from '../spec/specChange.js';

export const phaseNames = ['pre-bootstrap', 'bootstrap', 'orchestration', 'steady-state', 'teardown'] as const;
export const phaseSchema = z.object({ number: z.number().int().min(0).max(4), name: z.enum(phaseNames) });
export type Phase = z.infer<typeof phaseSchema>;

export function phase(number: 0 | 1 | 2 | 3 | 4): Phase {
  return { number, name: phaseNames[number] };
}

/** `blocked`: waits for a stack that failed; `aborted`: its deploy or delete was cancelled by an abort request. */
export const stackStatusSchema = z.enum(['pending', 'deploying', 'healthy', 'failed', 'blocked', 'aborted', 'deleting', 'deleted']);
export type StackStatus = z.infer<typeof stackStatusSchema>;

/** A stack's Application as Argo CD last reported it in steady state. */
export const liveStatusSchema = z.object({ sync: z.string(), health: z.string(), since: z.string() });

export const stackStateSchema = z.object({
  name: z.string(),
  dependsOn: z.array(z.string()),
  status: stackStatusSchema,
  /** Attempts of the current action (deploy, or delete during teardown). */
  attempts: z.number().int(),
  startedAt: z.string().nullable(),
  healthyAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  message: z.string().nullable(),
  /** Set by the steady-state watch once Argo CD reports a change; absent while the stack is as deployed. */
  live: liveStatusSchema.optional(),
});
export type StackState = z.infer<typeof stackStateSchema>;

export const holderSchema = z.enum(['external', 'bootstrap', 'orchestration', 'deployment', 'promotion']);
export type Holder = z.infer<typeof holderSchema>;

export const concernSchema = z.enum(['platform']);
export type Concern = z.infer<typeof concernSchema>;

export const ledgerEntrySchema = z.object({
  concern: concernSchema,
  from: holderSchema,
  to: holderSchema,
  at: z.string(),
  reason: z.string(),
  sender: z.string(),
  accepted: z.boolean(),
  rejection: z.string().optional(),
  credentialsRef: z.string().optional(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

/** A change Argo CD reported for a stack in steady state: drift, degradation, recovery. */
export const steadyStateEventSchema = z.object({
  stack: z.string(),
  sync: z.string(),
  health: z.string(),
  message: z.string(),
  at: z.string(),
});
export type SteadyStateEvent = z.infer<typeof steadyStateEventSchema>;

/** How many steady-state events the state keeps: the most recent ones. */
export const steadyStateEventLimit = 50;

/** A day-2 change (an accepted applySpec): who asked, what it does, and how far it got. */
export const specChangeSchema = z.object({
  requestedBy: z.string().optional(),
  reason: z.string().optional(),
  plan: specChangePlanSchema,
  /** `failed`: a stack of the change failed and the run waits for resume in phase 2. */
  status: z.enum(['applying', 'failed', 'applied']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type SpecChange = z.infer<typeof specChangeSchema>;

/** How many applied changes the state keeps: the most recent ones. */
export const appliedChangeLimit = 20;

/** How many verified freight the state keeps: the most recent ones. */
export const verifiedFreightLimit = 20;

/** The promotion that holds the platform now: it moves the environment's Applications to `freight`. */
export const activePromotionSchema = z.object({ id: z.string(), freight: z.string(), startedAt: z.string() }).strict();

export const outcomeSchema = z.enum(['running', 'completed', 'aborted', 'torn-down', 'failed']);

export const lifecycleStateSchema = z.object({
  workflowId: z.string(),
  platform: z.string(),
  environment: z.string(),
  phase: phaseSchema,
  outcome: outcomeSchema,
  /** What the run waits for, for people: "resume after fixing ...", "teardown request". */
  waitingFor: z.string().nullable(),
  error: z.string().nullable(),
  authority: z.record(concernSchema, holderSchema),
  /** Which workflow speaks for a holder; a handoff from anyone else is rejected. */
  holderIds: z.partialRecord(holderSchema, z.string()),
  credentialsRef: z.string().nullable(),
  stacks: z.array(stackStateSchema),
  ledger: z.array(ledgerEntrySchema),
  /** The most recent steady-state events, oldest first (at most steadyStateEventLimit). */
  steadyStateEvents: z.array(steadyStateEventSchema).max(steadyStateEventLimit).default([]),
  /** The change in flight, or the last one; absent in runs recorded before changes could be applied. */
  change: specChangeSchema.nullable().optional(),
  /** The changes applied, oldest first (at most appliedChangeLimit); absent as `change` is. */
  changes: z.array(specChangeSchema).max(appliedChangeLimit).optional(),
  /** The freight the environment runs: its Applications point at its commit. Null in runs started before freight. */
  freight: deployedFreightSchema.nullable().default(null),
  /** Freight that passed verification here, oldest first (at most verifiedFreightLimit). */
  verifiedFreight: z.array(verifiedFreightSchema).max(verifiedFreightLimit).default([]),
  promotion: activePromotionSchema.nullable().default(null),
  startedAt: z.string(),
});
export type LifecycleState = z.infer<typeof lifecycleStateSchema>;

/** A stack not deployed yet: of a new run, or added by a change. */
export function pendingStack(stack: { name: string; dependsOn: string[] }): StackState {
  return {
    name: stack.name,
    dependsOn: stack.dependsOn,
    status: 'pending',
    attempts: 0,
    startedAt: null,
    healthyAt: null,
    finishedAt: null,
    message: null,
  };
}

/** A stack about to start a new action (a redeploy, or its delete): its progress so far forgotten. */
export function restartStack(stack: StackState): void {
  Object.assign(stack, { status: 'pending', attempts: 0, message: null, live: undefined });
}

/** A new run's state: phase 0, the operator holds the platform, every stack pending. */
export function initialLifecycleState(
  workflowId: string,
  platform: string,
  environment: string,
  stacks: readonly { name: string; dependsOn: string[] }[],
): LifecycleState {
  return {
    workflowId,
    platform,
    environment,
    phase: phase(0),
    outcome: 'running',
    waitingFor: null,
    error: null,
    authority: { platform: 'external' },
    // The run speaks for the operator who started it, for itself, and for Argo CD at a teardown request.
    holderIds: { external: workflowId, orchestration: workflowId, deployment: workflowId },
    credentialsRef: null,
    stacks: stacks.map(pendingStack),
    ledger: [],
    steadyStateEvents: [],
    change: null,
    changes: [],
    freight: null,
    verifiedFreight: [],
    promotion: null,
    startedAt: new Date().toISOString(),
  };
}

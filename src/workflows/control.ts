import { z } from 'zod';
import type { ControlRequest } from './definitions.js';
import type { LifecycleState } from './state.js';

export type ControlKind = 'resume' | 'abort' | 'teardown';

export const controlRequestSchema = z
  .object({
    requestedBy: z.string().min(1).max(200).optional(),
    reason: z.string().max(2000).optional(),
  })
  .strict();

/** An apply: the new spec document (a parsed YAML or JSON file, as a run's input has it), and who sends it and why. */
export const applySpecRequestSchema = controlRequestSchema
  .extend({ spec: z.custom<unknown>((value) => value !== undefined && value !== null, 'must be the new platform spec document') })
  .strict();
export type ApplySpecRequest = z.infer<typeof applySpecRequestSchema>;

/** What is wrong with a request's fields, field by field. */
export function invalidRequest(kind: string, error: z.ZodError): string {
  return `invalid ${kind} request: ${error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}`;
}

/** Why a request does not fit its schema, field by field, or null when it does: for signals, which have no validator. */
export function malformedRequest(kind: string, schema: z.ZodType, request: unknown): string | null {
  const parsed = schema.safeParse(request);
  return parsed.success ? null : invalidRequest(kind, parsed.error);
}

/** Why a control request cannot be taken now, or null when it can. Shared by update validators and signals. */
export function controlRefusal(kind: ControlKind, state: LifecycleState, request: unknown): string | null {
  const parsed = controlRequestSchema.safeParse(request ?? {});
  if (!parsed.success) return invalidRequest(kind, parsed.error);
  if (state.outcome !== 'running') return `the run has already ended (${state.outcome})`;
  const where = `the run is in phase ${state.phase.number} (${state.phase.name})`;
  switch (kind) {
    case 'resume': {
      const stuck = state.stacks.some((s) => s.status === 'failed' || s.status === 'blocked');
      return state.error !== null || stuck ? null : `nothing to resume: ${where} and nothing has failed`;
    }
    case 'abort':
      return null;
    case 'teardown':
      if (state.phase.number < 2) return `${where}; teardown starts once bootstrap has handed over to orchestration (use abort instead)`;
      if (state.phase.number === 4) return `${where}: teardown is already under way`;
      if (state.promotion) return `promotion ${state.promotion.id} holds the platform; teardown once it has ended`;
      return null;
  }
}

export type ControlRequests = Record<ControlKind, ControlRequest | null>;

export function describeRequest(kind: ControlKind, request: ControlRequest): string {
  return `${kind} requested by ${request.requestedBy ?? 'an operator'}${request.reason ? `: ${request.reason}` : ''}`;
}

import { ApplicationFailure } from '@temporalio/workflow';
import { platformSpecSchema, type PlatformSpec } from '../spec/index.js';
import { planSpecChange, specChangeRefusal } from '../spec/specChange.js';
import { applySpecRequestSchema, invalidRequest } from './control.js';
import { failureTypes } from './failureTypes.js';
import { parsePlatformSpec } from './input.js';
import type { PlatformRun } from './platformRun.js';
import type { SpecChange } from './state.js';

/** An apply the run has accepted: the new spec document, validated, what changing to it does, and who asked. */
export interface AcceptedChange extends Pick<SpecChange, 'requestedBy' | 'reason' | 'plan'> {
  document: unknown;
  spec: PlatformSpec;
}

function refuse(message: string): never {
  throw ApplicationFailure.nonRetryable(message, failureTypes.requestRefused);
}

/** "apply requested by alice (weekly upgrade): add a; change b; remove c", for the ledger and the log. */
export function describeChange(change: Pick<SpecChange, 'requestedBy' | 'reason' | 'plan'>): string {
  const { added, changed, removed } = change.plan;
  const steps = [
    ...(added.length > 0 ? [`add ${added.join(', ')}`] : []),
    ...(changed.length > 0 ? [`change ${changed.join(', ')}`] : []),
    ...(removed.length > 0 ? [`remove ${removed.join(', ')}`] : []),
  ];
  return `apply requested by ${change.requestedBy ?? 'an operator'}${change.reason ? ` (${change.reason})` : ''}: ${steps.join('; ') || 'no stack changes'}`;
}

/**
 * The change an apply asks for, or a non-retryable failure saying why the run refuses it: a malformed
 * request, a run not in steady state or with another change or request under way, a spec that fails
 * validation (InvalidPlatformSpec, its issues as `baton validate` names them) or may not replace the
 * running one. Pure: the update's validator and its handler both call it, and a refusal changes nothing.
 */
export function acceptableChange(run: PlatformRun, request: unknown): AcceptedChange {
  const parsed = applySpecRequestSchema.safeParse(request ?? {});
  if (!parsed.success) refuse(invalidRequest('apply', parsed.error));
  const { state, control } = run;
  if (state.outcome !== 'running') refuse(`the run has already ended (${state.outcome})`);
  const inFlight = run.change ?? (state.change?.status === 'applied' ? null : state.change);
  if (inFlight)
    refuse(`another change is in flight (${describeChange(inFlight)}); wait for it to finish, or fix its failure and resume it`);
  if (state.promotion) refuse(`promotion ${state.promotion.id} holds the platform; apply once it has ended`);
  if (state.phase.number !== 3)
    refuse(`the run is in phase ${state.phase.number} (${state.phase.name}); an apply changes a run in steady state (phase 3)`);
  const pending = control.teardown ? 'teardown' : control.abort ? 'abort' : null;
  if (pending) refuse(`a ${pending} request is under way; an apply would be lost with it`);
  // Refusals first, on the spec as the schema reads it: a removed dependency is named plainly, not as an unknown stack.
  const draft = platformSpecSchema.safeParse(parsed.data.spec);
  const refusal = draft.success ? specChangeRefusal(run.spec, draft.data, run.environment) : null;
  if (refusal) refuse(refusal);
  const spec = parsePlatformSpec(parsed.data.spec);
  const { spec: document, requestedBy, reason } = parsed.data;
  return { document, spec, plan: planSpecChange(run.spec, spec, run.environment), requestedBy, reason };
}

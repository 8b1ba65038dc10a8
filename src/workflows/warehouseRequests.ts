import { z } from 'zod';
import { freightSchema, type Freight } from '../promotion/freight.js';
import type { PlatformSpec } from '../spec/index.js';
import { invalidRequest } from './control.js';

/** A request to promote freight to an environment; without a revision, the newest freight. */
export const promotionRequestSchema = z
  .object({
    environment: z.string().min(1, 'must name the target environment'),
    /** A known freight's revision or id, or a ref the platform repository resolves to a commit. */
    revision: z.string().min(1).optional(),
    requestedBy: z.string().min(1, 'must name who asks'),
  })
  .strict();
export type PromotionRequest = z.infer<typeof promotionRequestSchema>;

/** What a promotion that passed verification tells the warehouse. */
export const freightVerifiedSchema = z.object({ freight: freightSchema, environment: z.string().min(1) }).strict();
export type FreightVerified = z.infer<typeof freightVerifiedSchema>;

/** The known freight a request names: by revision or id, or the newest when it names none. */
export function requestedFreight(freight: readonly Freight[], revision: string | undefined): Freight | undefined {
  if (revision === undefined) return freight.at(-1);
  return freight.find((f) => f.revision === revision || f.id === revision);
}

/**
 * Why the warehouse refuses a request, or null when it takes it: the environment must be declared with
 * promotion settings, and without a revision there must be freight already.
 */
export function promotionRequestRefusal(spec: PlatformSpec, freight: readonly Freight[], request: unknown): string | null {
  const parsed = promotionRequestSchema.safeParse(request);
  if (!parsed.success) return invalidRequest('promotion', parsed.error);
  const { environment, revision } = parsed.data;
  const platform = spec.metadata.name;
  const declared = spec.spec.environments.find((e) => e.name === environment);
  if (!declared) {
    const names = spec.spec.environments.map((e) => e.name).join(', ');
    return `platform ${platform} has no environment "${environment}": its spec.environments declares ${names || 'none'}`;
  }
  if (!declared.promotion)
    return `environment ${environment} of ${platform} has no promotion settings: add spec.environments[].promotion to promote to it`;
  if (revision === undefined && freight.length === 0)
    return `the warehouse of ${platform} has found no freight yet: name a revision, or wait for its first poll of ${spec.spec.source.repoURL}`;
  return null;
}

import { z } from 'zod';
import { durationMs, formatDuration } from '../spec/duration.js';
import type { PromotionPolicy } from '../spec/schema.js';
import { deployedFreightSchema, verifiedFreightSchema, type FreightRef } from './freight.js';

/** What an environment's lifecycle run tells a promotion about itself: its freight, what passed there, its health. */
export const environmentFreightSchema = z
  .object({
    freight: deployedFreightSchema.nullable(),
    verifiedFreight: z.array(verifiedFreightSchema),
    healthySince: z.iso.datetime().nullable(),
    phase: z.number().int(),
  })
  .strict();
export type EnvironmentFreight = z.infer<typeof environmentFreightSchema>;

/**
 * Why `freight` may not be promoted under `policy` now, one message per unmet gate, each led by the gate's
 * name (`verifiedIn: ...`, `soak: ...`); none when every gate passes. `upstream` holds each from and
 * verifiedIn environment's report; one missing is an environment with no run to ask.
 */
export function gateFailures(
  policy: PromotionPolicy,
  freight: Pick<FreightRef, 'id'>,
  upstream: Readonly<Record<string, EnvironmentFreight>>,
  now: string,
): string[] {
  const verified = policy.verifiedIn.flatMap((environment) =>
    upstream[environment]?.verifiedFreight.some((v) => v.freight === freight.id)
      ? []
      : [`verifiedIn: ${freight.id} has not passed verification in ${environment}`],
  );
  const soak =
    policy.soak === undefined
      ? []
      : policy.from.flatMap((environment) => soakFailure(environment, upstream[environment], freight.id, policy.soak!, now));
  return [...verified, ...soak];
}

/** Whether `environment` has run the freight healthy for `soak` by `now`: healthy since it was deployed, or since it became healthy after. */
function soakFailure(environment: string, report: EnvironmentFreight | undefined, freight: string, soak: string, now: string): string[] {
  if (!report) return [`soak: ${environment} has no lifecycle run to ask`];
  if (report.freight?.id !== freight)
    return [`soak: ${environment} does not run ${freight} (it runs ${report.freight?.id ?? 'no freight'})`];
  if (report.healthySince === null) return [`soak: ${environment} runs ${freight} but is not healthy`];
  const since = Math.max(Date.parse(report.freight.deployedAt), Date.parse(report.healthySince));
  const ran = Math.max(0, Date.parse(now) - since);
  const required = durationMs(soak);
  return ran >= required ? [] : [`soak: ${environment} has run ${freight} healthy for ${formatDuration(ran)} of the ${soak} required`];
}

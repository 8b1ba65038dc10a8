import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';

/** A Git commit as its full 40-hex name: what freight carries, never a branch. */
export const commitSchema = z.string().regex(/^[0-9a-f]{40}$/, 'must be a commit: 40 lower-case hex digits');

/** An immutable bundle of a commit of the platform repository and optional image tags, named by its content. */
export const freightSchema = z
  .object({
    id: z.string().min(1),
    revision: commitSchema,
    images: z.array(z.string()).default([]),
    createdAt: z.iso.datetime(),
  })
  .strict();

export type Freight = z.infer<typeof freightSchema>;

/** Which freight, by id and commit: what a promotion moves and what an environment runs. */
export const freightRefSchema = z.object({ id: z.string().min(1), revision: commitSchema }).strict();
export type FreightRef = z.infer<typeof freightRefSchema>;

/** The freight an environment runs now, since when. */
export const deployedFreightSchema = freightRefSchema.extend({ deployedAt: z.iso.datetime() }).strict();
export type DeployedFreight = z.infer<typeof deployedFreightSchema>;

/** A freight that passed verification in an environment, and when. */
export const verifiedFreightSchema = z.object({ freight: z.string().min(1), at: z.iso.datetime() }).strict();
export type VerifiedFreight = z.infer<typeof verifiedFreightSchema>;

/**
 * The freight's id: `f-` and the first 12 hex digits of the sha256 of its revision and sorted images, so
 * the same content has the same name wherever and whenever it is found. Pure: workflows compute it.
 */
export function freightId(revision: string, images: readonly string[] = []): string {
  const content = JSON.stringify({ revision, images: [...images].sort() });
  return `f-${bytesToHex(sha256(utf8ToBytes(content))).slice(0, 12)}`;
}

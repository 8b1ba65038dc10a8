import type { z } from 'zod';
import { validateGraph } from '../dag/index.js';
import { formatPath, type SpecIssue } from './issues.js';
import { platformSpecSchema, type PlatformSpec } from './schema.js';

export type SpecValidation = { ok: true; spec: PlatformSpec } | { ok: false; issues: SpecIssue[] };

/**
 * Checks a parsed document against the schema and the dependency rules. Pure and
 * bundle-safe: the workflow runs it on its input as well as the CLI on a file.
 */
export function validatePlatformSpec(document: unknown): SpecValidation {
  const parsed = platformSpecSchema.safeParse(document);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map(toSpecIssue) };
  const graphIssues = validateGraph(parsed.data.spec.stacks).map((issue) => ({
    path: formatPath(['spec', 'stacks', ...issue.path]),
    message: issue.message,
  }));
  return graphIssues.length > 0 ? { ok: false, issues: graphIssues } : { ok: true, spec: parsed.data };
}

function toSpecIssue(issue: z.core.$ZodIssue): SpecIssue {
  if (issue.code === 'unrecognized_keys') {
    return { path: formatPath(issue.path), message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` };
  }
  return { path: formatPath(issue.path), message: issue.message };
}

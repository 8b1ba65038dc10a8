import type { z } from 'zod';
import { issueAt, type DocumentKey, type SpecIssue } from './issues.js';
import { schemaIssue } from './schemaIssue.js';

/** Fields the schema once had, with what replaced them: a file that still sets one is told where its setting went. */
const removedFields: Record<string, string> = {
  requiresApproval:
    'was removed: promotion.approvals replaces it, e.g. promotion: { approvals: { required: 1, from: [release-lead] } }; remove requiresApproval',
};

/** Own entries only: a field named `__proto__` or `toString` is unknown, not removed. */
const isRemoved = (key: string) => Object.hasOwn(removedFields, key);

/**
 * The issues of an unknown-fields issue that names removed fields, one per field, each saying what
 * replaced it (plus one for any other unknown field of the same mapping); undefined for any other issue.
 */
export function removedFieldIssues(issue: z.core.$ZodIssue, document: unknown): SpecIssue[] | undefined {
  if (issue.code !== 'unrecognized_keys' || !issue.keys.some(isRemoved)) return undefined;
  const keys = issue.path.filter((key): key is DocumentKey => typeof key !== 'symbol');
  const unknown = issue.keys.filter((key) => !isRemoved(key));
  return [
    ...issue.keys.filter(isRemoved).map((key) => issueAt([...keys, key], document, removedFields[key]!)),
    ...(unknown.length > 0 ? [schemaIssue({ ...issue, keys: unknown }, document)] : []),
  ];
}

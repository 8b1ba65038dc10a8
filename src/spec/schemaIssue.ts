import type { z } from 'zod';
import { childOf, issueAt, type DocumentKey, type SpecIssue } from './issues.js';

/**
 * A schema issue as a sentence about the value the document holds there: `"Cert_Manager" must be a
 * DNS-1123 label ...`. The structural issues (missing or wrong kind of value, a value not among the
 * allowed ones, unknown fields) are worded here; every other rule's message is the schema's own.
 */
export function schemaIssue(issue: z.core.$ZodIssue, document: unknown): SpecIssue {
  const keys = issue.path.filter((key): key is DocumentKey => typeof key !== 'symbol');
  return issueAt(keys, document, schemaMessage(issue, keys.reduce(childOf, document)));
}

function schemaMessage(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type':
      return about(value, expectedKind[issue.expected] ?? issue.expected);
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      return about(value, allowed.length === 1 ? allowed[0]! : `one of ${allowed.join(', ')}`);
    }
    default:
      return isScalar(value) ? `${show(value)} ${issue.message}` : issue.message;
  }
}

/** What a value of the expected type is called in YAML terms. */
const expectedKind: Partial<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** "is required (a string)", `"four" must be a number`, "must be a list, not a mapping". */
function about(value: unknown, expected: string): string {
  if (value === undefined) return `is required (${expected})`;
  return isScalar(value) ? `${show(value)} must be ${expected}` : `must be ${expected}, not ${show(value)}`;
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return String(value);
}

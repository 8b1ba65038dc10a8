import type { PlatformSpec } from './schema.js';
import { childOf, issueAt, type DocumentKey, type SpecIssue } from './issues.js';

/** Temporal's default limit on one payload (BlobSizeLimitError): a run's input is one payload. */
export const temporalPayloadLimitBytes = 2 * 1024 * 1024;

/** Temporal's default limit on the events of one workflow execution's history. */
export const temporalHistoryEventLimit = 51_200;

/**
 * The spec's share of the run's input: continue-as-new carries the spec document and the run's state
 * (a record per stack, the ledger) in one payload, so the spec may take half of it.
 */
export const specDocumentLimitBytes = temporalPayloadLimitBytes / 2;

/**
 * The events one stack adds to the run's history in one pass, at most: its child's initiated, started
 * and completed events, and a workflow task (scheduled, started, completed) woken by each of the last two.
 */
const historyEventsPerStackPass = 9;

/** A run deploys and tears down every stack (two passes) within one history. */
export const maxStacks = Math.floor(temporalHistoryEventLimit / (2 * historyEventsPerStackPass));

const byteLength = (text: string) => new TextEncoder().encode(text).length;
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A spec file too large to parse for a run: its text alone is larger than a whole payload may be. */
export function specTextLimitIssue(text: string): SpecIssue | undefined {
  const bytes = byteLength(text);
  if (bytes <= temporalPayloadLimitBytes) return undefined;
  return {
    path: '',
    message:
      `the file is ${megabytes(bytes)}: a run's input must fit in Temporal's ${megabytes(temporalPayloadLimitBytes)} payload limit ` +
      `(the spec may take ${megabytes(specDocumentLimitBytes)} of it); split the platform into several`,
  };
}

/** More stacks than one history holds, refused before the document is validated in full. */
export function stackCountIssue(document: unknown): SpecIssue | undefined {
  const stacks = childOf(childOf(document, 'spec'), 'stacks');
  if (!Array.isArray(stacks) || stacks.length <= maxStacks) return undefined;
  return {
    path: 'spec.stacks',
    keys: ['spec', 'stacks'],
    message:
      `${stacks.length} stacks: a run takes at most ${maxStacks}, so that deploying and tearing down every stack ` +
      `fits in Temporal's limit of ${temporalHistoryEventLimit.toLocaleString('en')} history events; split the platform into several`,
  };
}

/**
 * A valid spec that cannot be a run's input: a cycle in the document (a YAML alias inside what it names,
 * in a field of any value such as valuesObject), which JSON cannot hold, or more JSON than its share of the payload.
 */
export function specPayloadIssue(document: unknown, spec: PlatformSpec): SpecIssue | undefined {
  const cycle = cycleIn(document);
  if (cycle) {
    return issueAt(
      cycle,
      document,
      "refers to a mapping or list it is inside of (a YAML alias): a run's input is JSON, which cannot hold a cycle",
    );
  }
  const bytes = byteLength(JSON.stringify(spec));
  if (bytes <= specDocumentLimitBytes) return undefined;
  return {
    path: '',
    message:
      `the spec is ${megabytes(bytes)} as JSON: a run's input must fit in Temporal's ${megabytes(temporalPayloadLimitBytes)} payload limit, ` +
      `of which the spec may take ${megabytes(specDocumentLimitBytes)}; split the platform into several`,
  };
}

/** The place of the first value that contains itself, or undefined. */
function cycleIn(value: unknown, keys: DocumentKey[] = [], inside = new Set<unknown>()): DocumentKey[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (inside.has(value)) return keys;
  inside.add(value);
  const children = Array.isArray(value) ? value.map((child, i) => [i, child] as const) : Object.entries(value);
  for (const [key, child] of children) {
    const cycle = cycleIn(child, [...keys, key], inside);
    if (cycle) return cycle;
  }
  inside.delete(value);
  return undefined;
}

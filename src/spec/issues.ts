/** A key of a place in a document: a field name or a list index. */
export type DocumentKey = string | number;

/** One problem in a platform spec, located by its path in the document and, when known, its line. */
export interface SpecIssue {
  /** Where, as people read it: `spec.stacks[1] (frontend).dependsOn[0]`; '' for the whole document. */
  readonly path: string;
  /** The same place as keys into the document, for finding its line. */
  readonly keys?: readonly DocumentKey[];
  readonly message: string;
  readonly line?: number;
}

/** `['spec', 'stacks', 3, 'dependsOn', 0]` → `spec.stacks[3].dependsOn[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => out + step(out, key), '');
}

/**
 * The path with each list item that has a name named after its index, `spec.stacks[1] (frontend).dependsOn[0]`:
 * people know their stacks by name, not by position. An item's own `.name` is not annotated: its message
 * quotes the name.
 */
export function describePath(keys: readonly DocumentKey[], document: unknown): string {
  let node = document;
  return keys.reduce<string>((out, key, i) => {
    node = childOf(node, key);
    const name = childOf(node, 'name');
    const named = typeof key === 'number' && typeof name === 'string' && name !== '' && keys[i + 1] !== 'name';
    return out + step(out, key) + (named ? ` (${name})` : '');
  }, '');
}

/** The value at `key` of a mapping or a list; undefined for anything else. */
export function childOf(node: unknown, key: DocumentKey): unknown {
  return typeof node === 'object' && node !== null ? (node as Record<DocumentKey, unknown>)[key] : undefined;
}

function step(before: string, key: PropertyKey): string {
  if (typeof key === 'number') return `[${key}]`;
  return before === '' ? String(key) : `.${String(key)}`;
}

/** An issue at `keys` of the document, its path naming the named items on the way. */
export function issueAt(keys: readonly DocumentKey[], document: unknown, message: string): SpecIssue {
  return { path: describePath(keys, document), keys, message };
}

export function formatIssue(issue: SpecIssue, source?: string): string {
  const where = [source, issue.line].filter((part) => part !== undefined).join(':');
  const location = issue.path === '' ? '(document)' : issue.path;
  return `${where ? `${where}: ` : ''}${location}: ${issue.message}`;
}

/** A spec that cannot be used; the message lists every problem, one per line. */
export class SpecError extends Error {
  constructor(
    readonly issues: readonly SpecIssue[],
    readonly source?: string,
  ) {
    super(
      `invalid platform spec${source ? ` ${source}` : ''} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  ${formatIssue(issue, source)}`).join('\n'),
    );
    this.name = 'SpecError';
  }
}

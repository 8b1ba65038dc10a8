/** One problem in a platform spec, located by its path in the document and, when known, its line. */
export interface SpecIssue {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
}

/** `['spec', 'stacks', 3, 'dependsOn', 0]` → `spec.stacks[3].dependsOn[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? String(key) : `${out}.${String(key)}`;
  }, '');
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

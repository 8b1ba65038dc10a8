import type { StackSourceSpec } from './applicationSource.js';
import type { DocumentKey } from './issues.js';
import type { StackSpec } from './schema.js';

/** A problem with a stack's source, at keys under spec.stacks. */
export interface SourceIssue {
  keys: DocumentKey[];
  message: string;
}

const renderers = ['helm', 'kustomize', 'directory'] as const;

/**
 * The rules Argo CD applies to sources only once it renders them, checked here so `baton validate`
 * catches them: one of path or chart, a chart's repository and version, one renderer per source, and
 * `$ref/` value files that name a source of the same stack.
 */
export function stackSourceIssues(stacks: readonly StackSpec[], platformRepoURL: string): SourceIssue[] {
  return stacks.flatMap((stack, i) => stackIssues(stack, platformRepoURL).map((issue) => ({ ...issue, keys: [i, ...issue.keys] })));
}

function stackIssues(stack: StackSpec, platformRepoURL: string): SourceIssue[] {
  const issues: SourceIssue[] = [];
  if (stack.source && stack.sources) {
    issues.push({ keys: ['sources'], message: 'source and sources are both set: give one source, or the sources of a multi-source Application' });
  }
  if (stack.path !== undefined && (stack.source || stack.sources)) {
    const field = stack.source ? 'source' : 'sources';
    issues.push({ keys: ['path'], message: `${JSON.stringify(stack.path)} is set together with ${field}: path is the shorthand for a source's path; set it in ${field}` });
  }
  if (stack.source) issues.push(...sourceIssues(stack.source, ['source'], undefined, platformRepoURL));
  const refs = new Map<string, number>();
  stack.sources?.forEach((source, j) => {
    if (source.ref === undefined) return;
    const first = refs.get(source.ref);
    if (first === undefined) refs.set(source.ref, j);
    else issues.push({ keys: ['sources', j, 'ref'], message: `"${source.ref}" is already the ref of sources[${first}]: each ref names one source` });
  });
  stack.sources?.forEach((source, j) => issues.push(...sourceIssues(source, ['sources', j], refs, platformRepoURL)));
  return issues;
}

/** `refs` holds the refs of the stack's sources; undefined for a single source, which has no others to refer to. */
function sourceIssues(source: StackSourceSpec, at: DocumentKey[], refs: ReadonlyMap<string, number> | undefined, platformRepoURL: string): SourceIssue[] {
  const issues: SourceIssue[] = [];
  const issue = (keys: DocumentKey[], message: string) => issues.push({ keys: [...at, ...keys], message });
  const { chart, path, ref } = source;
  if (chart !== undefined) {
    if (path !== undefined) issue(['chart'], `"${chart}" is set together with path "${path}": a chart comes from a Helm repository, a path from Git; keep one`);
    if (source.repoURL === undefined) issue(['repoURL'], `is required with chart "${chart}": the Helm repository it comes from (oci://... or https://...)`);
    if (source.targetRevision === undefined) issue(['targetRevision'], `is required with chart "${chart}": the chart's version, such as "1.2.3"`);
  }
  const foreign = source.repoURL !== undefined && source.repoURL !== platformRepoURL;
  // Only the platform repository has a default folder (stacks/<name>).
  if (foreign && chart === undefined && path === undefined && ref === undefined) {
    issue(['path'], `is required for a Git source in ${source.repoURL}, which is not the platform repository: the folder to deploy ("." for its root), or chart for a Helm repository`);
  }
  if (ref !== undefined && refs === undefined) issue(['ref'], `"${ref}" is refused on a single source: refs name sources of a multi-source Application; use sources`);
  const set = renderers.filter((renderer) => source[renderer] !== undefined);
  if (ref !== undefined && chart === undefined && path === undefined && set.length > 0) {
    issue([set[0]!], `is set on a source that only provides ref "${ref}": Argo CD renders nothing from it; move the options to the source they are for`);
  } else if (chart !== undefined && set.some((renderer) => renderer !== 'helm')) {
    const other = set.find((renderer) => renderer !== 'helm')!;
    issue([other], `is set on chart "${chart}", which Helm renders; use helm options`);
  } else if (set.length > 1) {
    const [first, second] = set as [string, string];
    if (source.helm?.valueFiles) issue(['helm', 'valueFiles'], `are Helm's, but this source also sets ${set.find((r) => r !== 'helm')}, so it is not rendered by Helm; keep one of ${set.join(', ')}`);
    else issue([second], `is set together with ${first}: Argo CD renders a source with one tool; keep one`);
  }
  source.helm?.valueFiles?.forEach((file, k) => {
    const named = /^\$([^/]+)\//.exec(file)?.[1];
    if (named === undefined) return;
    const where = ['helm', 'valueFiles', k];
    if (refs === undefined) issue(where, `"${file}" refers to the source with ref: ${named}, but a single source has no others; use sources, one of them with ref: ${named}`);
    else if (!refs.has(named)) issue(where, `"${file}" refers to ref "${named}", which no source of this stack has; add a source with ref: ${named} (its repoURL defaults to spec.source's)`);
  });
  return issues;
}

import { sourceRenderers as renderers, type StackSourceSpec } from './applicationSource.js';
import type { DocumentKey } from './issues.js';
import { applicationSource, type PlatformSource } from './resolve.js';
import type { StackSpec } from './schema.js';

/** A problem with a stack's source, at keys under spec.stacks. */
export interface SourceIssue {
  keys: DocumentKey[];
  message: string;
}

/**
 * The rules Argo CD applies to sources only once it renders them, checked here so `baton validate`
 * catches them: one of path or chart, a chart's repository and version, one renderer per source, and
 * `$ref/` value files that name a source of the same stack (at the same revision, in the same repository).
 */
export function stackSourceIssues(stacks: readonly StackSpec[], platform: PlatformSource): SourceIssue[] {
  return stacks.flatMap((stack, i) => stackIssues(stack, platform).map((issue) => ({ ...issue, keys: [i, ...issue.keys] })));
}

function stackIssues(stack: StackSpec, platform: PlatformSource): SourceIssue[] {
  const issues: SourceIssue[] = [];
  if (stack.source && stack.sources) {
    issues.push({
      keys: ['sources'],
      message: 'source and sources are both set: give one source, or the sources of a multi-source Application',
    });
  }
  if (stack.path !== undefined && (stack.source || stack.sources)) {
    const field = stack.source ? 'source' : 'sources';
    issues.push({
      keys: ['path'],
      message: `${JSON.stringify(stack.path)} is set together with ${field}: path is the shorthand for a source's path; set it in ${field}`,
    });
  }
  if (stack.source) issues.push(...sourceIssues(stack.source, ['source'], false, platform.repoURL));
  const refs = new Map<string, number>();
  stack.sources?.forEach((source, j) => {
    if (source.ref === undefined) return;
    const first = refs.get(source.ref);
    if (first === undefined) refs.set(source.ref, j);
    else
      issues.push({
        keys: ['sources', j, 'ref'],
        message: `"${source.ref}" is already the ref of sources[${first}]: each ref names one source`,
      });
  });
  stack.sources?.forEach((source, j) => issues.push(...sourceIssues(source, ['sources', j], true, platform.repoURL)));
  return [...issues, ...refIssues(stack, platform, refs)];
}

/** One source's own rules; `multiSource` when it is one of sources, where refs name sources for the others. */
function sourceIssues(source: StackSourceSpec, at: DocumentKey[], multiSource: boolean, platformRepoURL: string): SourceIssue[] {
  const issues: SourceIssue[] = [];
  const issue = (keys: DocumentKey[], message: string) => issues.push({ keys: [...at, ...keys], message });
  const { chart, path, ref } = source;
  if (chart !== undefined) {
    if (path !== undefined)
      issue(['chart'], `"${chart}" is set together with path "${path}": a chart comes from a Helm repository, a path from Git; keep one`);
    if (source.repoURL === undefined)
      issue(['repoURL'], `is required with chart "${chart}": the Helm repository it comes from (oci://... or https://...)`);
    if (source.targetRevision === undefined)
      issue(['targetRevision'], `is required with chart "${chart}": the chart's version, such as "1.2.3"`);
  }
  const foreign = source.repoURL !== undefined && source.repoURL !== platformRepoURL;
  // Only the platform repository has a default folder (stacks/<name>).
  if (foreign && chart === undefined && path === undefined && ref === undefined) {
    issue(
      ['path'],
      `is required for a Git source in ${source.repoURL}, which is not the platform repository: the folder to deploy ("." for its root), or chart for a Helm repository`,
    );
  }
  if (ref !== undefined && !multiSource)
    issue(['ref'], `"${ref}" is refused on a single source: refs name sources of a multi-source Application; use sources`);
  const set = renderers.filter((renderer) => source[renderer] !== undefined);
  if (ref !== undefined && chart === undefined && path === undefined && set.length > 0) {
    issue(
      [set[0]!],
      `is set on a source that only provides ref "${ref}": Argo CD renders nothing from it; move the options to the source they are for`,
    );
  } else if (chart !== undefined && set.some((renderer) => renderer !== 'helm')) {
    const other = set.find((renderer) => renderer !== 'helm')!;
    issue([other], `is set on chart "${chart}", which Helm renders; use helm options`);
  } else if (set.length > 1) {
    const [first, second] = set as [string, string];
    if (source.helm?.valueFiles)
      issue(
        ['helm', 'valueFiles'],
        `are Helm's, but this source also sets ${set.find((r) => r !== 'helm')}, so it is not rendered by Helm; keep one of ${set.join(', ')}`,
      );
    else issue([second], `is set together with ${first}: Argo CD renders a source with one tool; keep one`);
  }
  return issues;
}

/** The `$ref/` value files of a stack's sources, each with the index of the source using it and the ref it names. */
function refUses(sources: readonly StackSourceSpec[]): { j: number; k: number; file: string; ref: string }[] {
  return sources.flatMap((source, j) =>
    (source.helm?.valueFiles ?? []).flatMap((file, k) => {
      const ref = /^\$([^/]+)\//.exec(file)?.[1];
      return ref === undefined ? [] : [{ j, k, file, ref }];
    }),
  );
}

/**
 * Each `$ref/` value file must name a source of the same multi-source stack; Argo CD also refuses one into
 * the repository of the source using it at another revision.
 */
function refIssues(stack: StackSpec, platform: PlatformSource, refs: ReadonlyMap<string, number>): SourceIssue[] {
  if (stack.source) {
    return refUses([stack.source]).map(({ k, file, ref }) => ({
      keys: ['source', 'helm', 'valueFiles', k],
      message: `"${file}" refers to the source with ref: ${ref}, but a single source has no others; use sources, one of them with ref: ${ref}`,
    }));
  }
  const sources = (stack.sources ?? []).map((source) => applicationSource(source, stack.name, platform));
  return refUses(sources).flatMap(({ j, k, file, ref }): SourceIssue[] => {
    const keys = ['sources', j, 'helm', 'valueFiles', k];
    const referred = sources[refs.get(ref) ?? -1];
    const using = sources[j]!;
    if (!referred)
      return [
        {
          keys,
          message: `"${file}" refers to ref "${ref}", which no source of this stack has; add a source with ref: ${ref} (its repoURL defaults to spec.source's)`,
        },
      ];
    if (referred.repoURL !== using.repoURL || referred.targetRevision === using.targetRevision) return [];
    return [
      {
        keys,
        message: `"${file}" refers to ref "${ref}" in the same repository as this source at another revision (${referred.targetRevision}, not ${using.targetRevision}), which Argo CD refuses; give both the same targetRevision`,
      },
    ];
  });
}

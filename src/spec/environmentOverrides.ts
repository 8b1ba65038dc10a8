import { z } from 'zod';
import {
  directorySourceSchema,
  helmSourceSchema,
  kustomizeSourceSchema,
  sourceRenderers as renderers,
  type SourceRenderer,
  type StackSourceSpec,
} from './applicationSource.js';
import type { DocumentKey } from './issues.js';
import type { StackSpec } from './schema.js';

/**
 * What one environment changes in one stack's source: the Git folder and the renderer's options. Each field
 * given replaces the stack's field of the same name (helm.valueFiles replaces the list, it is not added to).
 */
export const stackOverrideSchema = z
  .object({
    path: z.string().min(1, 'must not be empty').describe("the folder this environment deploys instead of the stack's, such as an overlay"),
    helm: helmSourceSchema.describe("Helm options merged over the stack's, such as valueFiles: [values-prod.yaml]"),
    kustomize: kustomizeSourceSchema.describe("Kustomize options merged over the stack's"),
    directory: directorySourceSchema.describe("directory options merged over the stack's"),
  })
  .partial()
  .strict();

export type StackOverride = z.infer<typeof stackOverrideSchema>;

/** Argo CD renders every source but one that only provides a ref for the others' value files. */
function rendered(source: StackSourceSpec): boolean {
  return source.ref === undefined || source.chart !== undefined || source.path !== undefined;
}

function overriddenSource(source: StackSourceSpec, override: StackOverride): StackSourceSpec {
  const { path, helm, kustomize, directory } = override;
  return {
    ...source,
    ...(path !== undefined && { path }),
    ...(helm && { helm: { ...source.helm, ...helm } }),
    ...(kustomize && { kustomize: { ...source.kustomize, ...kustomize } }),
    ...(directory && { directory: { ...source.directory, ...directory } }),
  };
}

/** The stack as an environment deploys it: the override merged into its source, or into the one of its sources Argo CD renders. */
export function overriddenStack(stack: StackSpec, override: StackOverride | undefined): StackSpec {
  if (!override) return stack;
  if (stack.sources)
    return { ...stack, sources: stack.sources.map((source) => (rendered(source) ? overriddenSource(source, override) : source)) };
  const { path, ...rest } = stack;
  return { ...rest, source: overriddenSource(stack.source ?? (path === undefined ? {} : { path }), override) };
}

/** A problem with an environment's overrides, at keys under spec.environments. */
export interface OverrideIssue {
  keys: DocumentKey[];
  message: string;
}

/**
 * Each environment may override only the platform's stacks, and only with what fits the source it changes:
 * a chart has no folder, a source Helm renders takes no Kustomize options, a multi-source stack needs one
 * rendered source for the override to go to.
 */
export function environmentOverrideIssues(
  environments: readonly { name: string; stacks?: Record<string, StackOverride> }[],
  stacks: readonly StackSpec[],
): OverrideIssue[] {
  const byName = new Map(stacks.map((stack) => [stack.name, stack] as const));
  return environments.flatMap((environment, i) =>
    Object.entries(environment.stacks ?? {}).flatMap(([name, override]) => {
      const stack = byName.get(name);
      const at = ['stacks', name];
      const issues = stack
        ? overrideIssues(environment.name, stack, override)
        : [
            {
              keys: [],
              message: `environment ${environment.name} overrides stack "${name}", which spec.stacks does not have; override one of ${[...byName.keys()].join(', ')}`,
            },
          ];
      return issues.map((issue) => ({ ...issue, keys: [i, ...at, ...issue.keys] }));
    }),
  );
}

function overrideIssues(environment: string, stack: StackSpec, override: StackOverride): OverrideIssue[] {
  const targets = stack.sources ? stack.sources.filter(rendered) : [stack.source ?? {}];
  if (targets.length !== 1) {
    return [
      {
        keys: [],
        message: `environment ${environment} overrides stack ${stack.name}, which has ${targets.length} sources Argo CD renders; an override goes to exactly one, so give the others only a ref`,
      },
    ];
  }
  const target = targets[0]!;
  const issues: OverrideIssue[] = [];
  if (override.path !== undefined && target.chart !== undefined) {
    issues.push({
      keys: ['path'],
      message: `is set for stack ${stack.name}, whose source is chart "${target.chart}" from a Helm repository, which has no folders; remove path`,
    });
  }
  const stackRenderer: SourceRenderer | undefined =
    target.chart !== undefined ? 'helm' : renderers.find((renderer) => target[renderer] !== undefined);
  const set = renderers.filter((renderer) => override[renderer] !== undefined);
  const [first, second] = set;
  if (second !== undefined)
    issues.push({ keys: [second], message: `is set together with ${first}: Argo CD renders a source with one tool; keep one` });
  const other = set.find((renderer) => stackRenderer !== undefined && renderer !== stackRenderer);
  if (other !== undefined) {
    const rendering =
      target.chart !== undefined
        ? `is chart "${target.chart}", which Helm renders`
        : `sets ${stackRenderer} options, so ${stackRenderer} renders it`;
    issues.push({ keys: [other], message: `is set for stack ${stack.name}, whose source ${rendering}; override ${stackRenderer} options` });
  }
  return issues;
}

import { buildGraph, precededInGroup } from '../dag/index.js';
import type { ApplicationSource, StackSourceSpec, StackSources } from './applicationSource.js';
import { overriddenStack } from './environmentOverrides.js';
import { resolveEnvironment } from './environments.js';
import { createNamespaceOption, defaultSyncPolicy, type PlatformSpec, type RetryPolicySpec, type StackSpec } from './schema.js';

/** A stack with every default applied: what deployStack receives. */
export type ResolvedStack = {
  name: string;
  namespace: string;
  dependsOn: string[];
  healthTimeout: string;
  retry: RetryPolicySpec;
  sync: { selfHeal: boolean; prune: boolean; options: string[] };
  /**
   * Whether its Application creates the namespace and labels it with the platform and environment (Argo CD's
   * managedNamespaceMetadata): CreateNamespace=true, and no stack it depends on, directly or not, does so in the
   * same namespace. Argo CD applies a managed namespace before every sync and waits ARGOCD_SYNC_WAVE_DELAY (2 s)
   * before the stack's own objects, so only the first stacks into a namespace carry it.
   */
  createsNamespace: boolean;
} & StackSources;

/** Applied under the platform's and the stack's retry settings: a failing stack gives up after a few tries. */
export const builtinRetry = { maximumAttempts: 3, initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m' } as const;

export type PlatformSource = PlatformSpec['spec']['source'];

/**
 * The stacks as `environment` deploys them: its overrides merged into their sources and its namespaceSuffix
 * on their namespaces (neither when it is not given or declares none).
 */
export function resolveStacks(spec: PlatformSpec, environment?: string): ResolvedStack[] {
  const defaults = spec.spec.defaults;
  const overrides = spec.spec.environments.find((e) => e.name === environment)?.stacks ?? {};
  const suffix = environment === undefined ? '' : resolveEnvironment(spec, environment).namespaceSuffix;
  const stacks = spec.spec.stacks.map((stack) => ({
    name: stack.name,
    ...stackSources(overriddenStack(stack, overrides[stack.name]), spec.spec.source),
    namespace: `${stack.namespace ?? stack.name}${suffix}`,
    dependsOn: stack.dependsOn,
    healthTimeout: stack.healthTimeout ?? defaults.healthTimeout,
    retry: { ...builtinRetry, ...defaults.retry, ...stack.retry },
    sync: { ...defaultSyncPolicy, options: [...defaultSyncPolicy.options], ...defaults.sync, ...stack.sync },
  }));
  const byName = new Map(stacks.map((s) => [s.name, s] as const));
  const created = (name: string) => {
    const stack = byName.get(name)!;
    return stack.sync.options.includes(createNamespaceOption) ? stack.namespace : undefined;
  };
  const preceded = new Set(precededInGroup(buildGraph(stacks), created));
  return stacks.map((stack) => ({ ...stack, createsNamespace: created(stack.name) !== undefined && !preceded.has(stack.name) }));
}

/** `path` is the shorthand of a source with only a path; no source at all is stacks/<name> in the platform repository. */
function stackSources(stack: StackSpec, platform: PlatformSource): StackSources {
  if (stack.sources) return { sources: stack.sources.map((source) => applicationSource(source, stack.name, platform)) };
  return { source: applicationSource(stack.source ?? (stack.path === undefined ? {} : { path: stack.path }), stack.name, platform) };
}

/** Fields left out come from spec.source; Argo CD's own default revision, HEAD, for another repository. */
export function applicationSource(source: StackSourceSpec, stack: string, platform: PlatformSource): ApplicationSource {
  const repoURL = source.repoURL ?? platform.repoURL;
  const ownRepo = repoURL === platform.repoURL;
  const renderedFromGit = source.chart === undefined && source.ref === undefined;
  return {
    ...source,
    repoURL,
    targetRevision: source.targetRevision ?? (ownRepo ? platform.targetRevision : 'HEAD'),
    ...(source.path === undefined && renderedFromGit && ownRepo ? { path: `stacks/${stack}` } : {}),
  };
}

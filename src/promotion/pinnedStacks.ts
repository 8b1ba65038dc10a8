import type { ApplicationSource } from '../spec/applicationSource.js';
import { resolveStacks, type PlatformSpec, type ResolvedStack } from '../spec/index.js';
import type { FreightRef } from './freight.js';

/**
 * The stacks as `environment` deploys them at its freight: every source from the platform repository
 * at the freight's commit, whatever branch the spec names, so Argo CD never moves them by itself. Sources
 * from other repositories (charts) keep their own revision. No freight: the spec's revisions, as before.
 */
export function pinnedStacks(spec: PlatformSpec, environment: string, freight: Pick<FreightRef, 'revision'> | null): ResolvedStack[] {
  const stacks = resolveStacks(spec, environment);
  if (!freight) return stacks;
  const { repoURL } = spec.spec.source;
  const pin = (source: ApplicationSource): ApplicationSource =>
    source.repoURL === repoURL ? { ...source, targetRevision: freight.revision } : source;
  return stacks.map((stack) => (stack.sources ? { ...stack, sources: stack.sources.map(pin) } : { ...stack, source: pin(stack.source) }));
}

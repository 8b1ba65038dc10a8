import { resolveStacks } from './resolve.js';
import type { PlatformSpec } from './schema.js';

/** Every repository the platform deploys from, the platform repository first: what its AppProject allows, and nothing else. */
export function platformSourceRepos(spec: PlatformSpec): string[] {
  const stackRepos = resolveStacks(spec).flatMap((stack) => (stack.sources ?? [stack.source]).map((source) => source.repoURL));
  return [...new Set([spec.spec.source.repoURL, ...stackRepos])];
}

import { defaultSyncPolicy, type PlatformSpec, type RetryPolicySpec } from './schema.js';

/** A stack with every default applied: what deployStack receives. */
export interface ResolvedStack {
  name: string;
  path: string;
  namespace: string;
  dependsOn: string[];
  healthTimeout: string;
  retry: RetryPolicySpec;
  sync: { selfHeal: boolean; prune: boolean; options: string[] };
}

/** Applied under the platform's and the stack's retry settings: a failing stack gives up after a few tries. */
export const builtinRetry = { maximumAttempts: 3, initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m' } as const;

export function resolveStacks(spec: PlatformSpec): ResolvedStack[] {
  const defaults = spec.spec.defaults;
  return spec.spec.stacks.map((stack) => ({
    name: stack.name,
    path: stack.path ?? `stacks/${stack.name}`,
    namespace: stack.namespace ?? stack.name,
    dependsOn: stack.dependsOn,
    healthTimeout: stack.healthTimeout ?? defaults.healthTimeout,
    retry: { ...builtinRetry, ...defaults.retry, ...stack.retry },
    sync: { ...defaultSyncPolicy, options: [...defaultSyncPolicy.options], ...defaults.sync, ...stack.sync },
  }));
}

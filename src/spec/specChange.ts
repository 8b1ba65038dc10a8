import { z } from 'zod';
import { buildGraph, teardownOrder, topologicalOrder } from '../dag/index.js';
import { resolveEnvironment, undeclaredEnvironment } from './environments.js';
import { resolveStacks, type ResolvedStack } from './resolve.js';
import type { PlatformSpec } from './schema.js';

/**
 * What applying a new spec to a running environment does, stack by stack, each list in the order it is
 * carried out: added and changed in the new spec's dependency order, removed in reverse order of the
 * current spec's graph, untouched in the new spec's dependency order.
 */
export const specChangePlanSchema = z
  .object({
    added: z.array(z.string()),
    changed: z.array(z.string()),
    removed: z.array(z.string()),
    untouched: z.array(z.string()),
  })
  .strict();
export type SpecChangePlan = z.infer<typeof specChangePlanSchema>;

/** JSON with every object's keys sorted, so two values compare equal however their keys were written. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** What goes into a stack's Argo CD Application and its health gate; its name and dependencies only order the work. */
function deployedForm(stack: ResolvedStack): string {
  const { source, sources, namespace, sync, healthTimeout, retry } = stack;
  return canonical({ source, sources, namespace, sync, healthTimeout, retry });
}

/** Compares the stacks `current` and `next` resolve to in `environment`. Both must be valid specs. */
export function planSpecChange(current: PlatformSpec, next: PlatformSpec, environment: string): SpecChangePlan {
  const before = new Map(resolveStacks(current, environment).map((s) => [s.name, s] as const));
  const after = resolveStacks(next, environment);
  const afterNames = new Set(after.map((s) => s.name));
  const plan: SpecChangePlan = { added: [], changed: [], removed: [], untouched: [] };
  const afterByName = new Map(after.map((s) => [s.name, s] as const));
  for (const name of topologicalOrder(buildGraph(after))) {
    const old = before.get(name);
    if (old === undefined) plan.added.push(name);
    else if (deployedForm(old) !== deployedForm(afterByName.get(name)!)) plan.changed.push(name);
    else plan.untouched.push(name);
  }
  plan.removed = teardownOrder(buildGraph([...before.values()])).filter((name) => !afterNames.has(name));
  return plan;
}

/**
 * Why `next` may not replace `current` in a running `environment`, or null when it may. `next` needs only
 * to have passed the schema: a stack still depending on a removed one is named here, more plainly than
 * validation's unknown dependency.
 */
export function specChangeRefusal(current: PlatformSpec, next: PlatformSpec, environment: string): string | null {
  const platform = current.metadata.name;
  if (next.metadata.name !== platform) {
    return `the new spec is for platform ${next.metadata.name}, but this run deploys platform ${platform}; apply it to a run of ${next.metadata.name}, or set metadata.name to ${platform}`;
  }
  const kept = new Set(next.spec.stacks.map((s) => s.name));
  const removed = new Set(current.spec.stacks.map((s) => s.name).filter((name) => !kept.has(name)));
  const dependents = next.spec.stacks.flatMap((s) => s.dependsOn.filter((d) => removed.has(d)).map((d) => `${s.name} depends on ${d}`));
  if (dependents.length > 0) {
    return `the new spec removes stacks that remaining stacks depend on (${dependents.join('; ')}); remove the dependents too, or drop them from their dependsOn`;
  }
  const undeclared = undeclaredEnvironment(next, environment);
  if (undeclared !== undefined) return `the new spec cannot be applied to this run: ${undeclared}`;
  const [was, is] = [resolveEnvironment(current, environment).cluster, resolveEnvironment(next, environment).cluster];
  if (was !== is) {
    return `the new spec moves environment ${environment} from cluster ${was} to cluster ${is}; an apply does not move a running environment: tear it down and deploy it to ${is}`;
  }
  return null;
}

import { isDeepStrictEqual } from 'node:util';
import { sourceRenderers, type ApplicationSource } from '../spec/applicationSource.js';
import { resolveStacks, type ResolvedStack } from '../spec/resolve.js';
import type { PlatformSpec } from '../spec/schema.js';
import type { SpecChangePlan } from '../spec/specChange.js';
import { textTable } from './textTable.js';

const sourcesOf = (stack: ResolvedStack): ApplicationSource[] => stack.sources ?? [stack.source];

/** A source's renderer options (Helm values, Kustomize patches, directory settings) are what people call its values. */
function split(source: ApplicationSource): { where: Partial<ApplicationSource>; values: Partial<ApplicationSource> } {
  const where: Partial<ApplicationSource> = { ...source };
  const values: Partial<ApplicationSource> = {};
  for (const key of sourceRenderers) {
    if (source[key] !== undefined) Object.assign(values, { [key]: source[key] });
    delete where[key];
  }
  return { where, values };
}

/** Which parts of a stack's Application and health gate differ: source, values, sync, namespace, health gate. */
export function changedParts(before: ResolvedStack, after: ResolvedStack): string[] {
  const [was, is] = [sourcesOf(before).map(split), sourcesOf(after).map(split)];
  const sourcesDiffer = (part: 'where' | 'values') =>
    !isDeepStrictEqual(
      was.map((s) => s[part]),
      is.map((s) => s[part]),
    );
  const parts: [string, boolean][] = [
    ['source', sourcesDiffer('where')],
    ['values', sourcesDiffer('values')],
    ['sync', !isDeepStrictEqual(before.sync, after.sync)],
    ['namespace', before.namespace !== after.namespace],
    ['health gate', before.healthTimeout !== after.healthTimeout || !isDeepStrictEqual(before.retry, after.retry)],
  ];
  return parts.filter(([, differs]) => differs).map(([part]) => part);
}

/** A plan in one phrase: `1 to add, 1 to change, 1 to remove, 2 untouched`. */
export function planCounts(plan: SpecChangePlan): string {
  return `${plan.added.length} to add, ${plan.changed.length} to change, ${plan.removed.length} to remove, ${plan.untouched.length} untouched`;
}

/**
 * What an apply does, as a table for people, in the order the run carries it out:
 * `add  search`, `change  shop-api  values`, `remove  legacy`, then the untouched stacks.
 */
export function renderSpecChange(plan: SpecChangePlan, current: PlatformSpec, next: PlatformSpec, environment: string): string {
  const before = new Map(resolveStacks(current, environment).map((s) => [s.name, s]));
  const after = new Map(resolveStacks(next, environment).map((s) => [s.name, s]));
  const rows = [
    ['ACTION', 'STACK', 'WHAT CHANGES'],
    ...plan.added.map((name) => ['add', name, '']),
    ...plan.changed.map((name) => ['change', name, changedParts(before.get(name)!, after.get(name)!).join(', ')]),
    ...plan.removed.map((name) => ['remove', name, '']),
    ...plan.untouched.map((name) => ['untouched', name, '']),
  ];
  return [`Platform ${next.metadata.name} in ${environment}: ${planCounts(plan)}`, '', ...textTable(rows, '  ')].join('\n');
}

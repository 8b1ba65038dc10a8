import { buildGraph, levels, teardownOrder } from '../dag/index.js';
import { defaultMaxParallelStacks, type PlatformSpec } from '../spec/index.js';

/** The CLI contract's plan (docs/architecture.md#stack-flow): order, levels and teardown order of a validated spec. */
export interface Plan {
  platform: string;
  order: string[];
  levels: string[][];
  teardownOrder: string[];
}

export function planOf(spec: PlatformSpec): Plan {
  const graph = buildGraph(spec.spec.stacks);
  const byLevel = levels(graph);
  return { platform: spec.metadata.name, order: byLevel.flat(), levels: byLevel, teardownOrder: teardownOrder(graph) };
}

export function renderPlanText(spec: PlatformSpec, plan: Plan): string {
  const dependsOn = new Map(spec.spec.stacks.map((s) => [s.name, s.dependsOn]));
  const lines = [
    `Platform ${plan.platform}: ${plan.order.length} stacks in ${plan.levels.length} levels, at most ${spec.spec.defaults.maxParallelStacks ?? defaultMaxParallelStacks} at once, failure policy ${spec.spec.defaults.failurePolicy}`,
  ];
  plan.levels.forEach((level, i) => {
    lines.push('', `Level ${i}${i === 0 ? ' (no dependencies)' : ''}:`);
    for (const name of level) {
      const deps = dependsOn.get(name) ?? [];
      lines.push(`  - ${name}${deps.length ? `  (after ${deps.join(', ')})` : ''}`);
    }
  });
  lines.push('', `Teardown order: ${plan.teardownOrder.join(', ')}`);
  return lines.join('\n');
}

/** The dependency graph as a Mermaid flowchart; arrows point from a dependency to its dependents. */
export function renderPlanMermaid(spec: PlatformSpec): string {
  const id = (name: string) => name.replace(/-/g, '_');
  const lines = ['flowchart LR'];
  for (const stack of spec.spec.stacks) {
    lines.push(`  ${id(stack.name)}["${stack.name}"]`);
    for (const dep of stack.dependsOn) lines.push(`  ${id(dep)} --> ${id(stack.name)}`);
  }
  return lines.join('\n');
}

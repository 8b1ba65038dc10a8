/** The part of a stack the graph algorithms need. */
export interface GraphNode {
  readonly name: string;
  readonly dependsOn: readonly string[];
}

/**
 * A validated dependency graph, indexed for linear-time algorithms.
 * Node i is names[i], in declaration order; edges point from a stack to what it depends on.
 */
export interface StackGraph {
  readonly names: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  readonly dependencies: readonly (readonly number[])[];
  readonly dependents: readonly (readonly number[])[];
}

/** Builds the graph of a node list that validateGraph accepted; an unknown dependency throws. */
export function buildGraph(nodes: readonly GraphNode[]): StackGraph {
  const names = nodes.map((n) => n.name);
  const indexOf = new Map(names.map((name, i) => [name, i] as const));
  const dependencies: number[][] = nodes.map(() => []);
  const dependents: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    for (const dep of new Set(node.dependsOn)) {
      const j = indexOf.get(dep);
      if (j === undefined) throw new Error(`stack "${node.name}" depends on unknown stack "${dep}"`);
      dependencies[i]!.push(j);
      dependents[j]!.push(i);
    }
  });
  return { names, indexOf, dependencies, dependents };
}

/** The same stacks with every edge turned round: teardown walks this graph. */
export function reverseGraph(graph: StackGraph): StackGraph {
  return { ...graph, dependencies: graph.dependents, dependents: graph.dependencies };
}

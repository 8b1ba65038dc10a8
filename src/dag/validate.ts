import type { GraphNode } from './graph.js';

/** A problem in a stack list; path is relative to the list: [3, 'dependsOn', 0]. */
export interface GraphIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Every structural problem of a stack list: duplicate names, self and unknown dependencies,
 * repeated dependencies and cycles, each cycle reported as itself (`a -> b -> c -> a`).
 */
export function validateGraph(nodes: readonly GraphNode[]): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const firstIndex = new Map<string, number>();
  nodes.forEach((node, i) => {
    const first = firstIndex.get(node.name);
    if (first === undefined) firstIndex.set(node.name, i);
    else issues.push({ path: [i, 'name'], message: `duplicate stack name "${node.name}" (first declared at index ${first})` });
  });

  // Only well-formed edges take part in cycle detection, so one mistake is reported once.
  const edges: { to: number; at: number }[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    const seen = new Set<string>();
    node.dependsOn.forEach((dep, k) => {
      const path = [i, 'dependsOn', k];
      const target = firstIndex.get(dep);
      if (dep === node.name) issues.push({ path, message: `stack "${node.name}" depends on itself` });
      else if (target === undefined) issues.push({ path, message: `depends on "${dep}", which is not a stack of this platform` });
      else if (seen.has(dep)) issues.push({ path, message: `lists "${dep}" more than once` });
      else if (firstIndex.get(node.name) === i) edges[i]!.push({ to: target, at: k });
      seen.add(dep);
    });
  });

  for (const cycle of findCycles(edges)) {
    const names = cycle.nodes.map((i) => nodes[i]!.name);
    issues.push({
      path: [cycle.nodes[0]!, 'dependsOn', cycle.firstEdge],
      message: `dependency cycle: ${[...names, names[0]].join(' -> ')}`,
    });
  }
  return issues;
}

interface Cycle {
  nodes: number[];
  firstEdge: number;
}

const unvisited = 0;
const onPath = 1;
const finished = 2;

/**
 * One cycle per group of entangled stacks, found by an iterative depth-first search
 * (deep chains of thousands of stacks must not overflow the call stack).
 */
function findCycles(edges: readonly { to: number; at: number }[][]): Cycle[] {
  const state = new Uint8Array(edges.length);
  const inReportedCycle = new Uint8Array(edges.length);
  const cycles: Cycle[] = [];
  const path: number[] = [];
  const positionOnPath = new Map<number, number>();
  const nextEdge: number[] = new Array<number>(edges.length).fill(0);

  for (let root = 0; root < edges.length; root++) {
    if (state[root] !== unvisited) continue;
    const push = (n: number) => {
      state[n] = onPath;
      positionOnPath.set(n, path.length);
      path.push(n);
    };
    push(root);
    while (path.length > 0) {
      const node = path[path.length - 1]!;
      const edge = edges[node]![nextEdge[node]!++];
      if (edge === undefined) {
        state[node] = finished;
        positionOnPath.delete(node);
        path.pop();
      } else if (state[edge.to] === unvisited) {
        push(edge.to);
      } else if (state[edge.to] === onPath) {
        const members = path.slice(positionOnPath.get(edge.to)!);
        if (members.some((m) => inReportedCycle[m])) continue;
        members.forEach((m) => (inReportedCycle[m] = 1));
        cycles.push(startAtFirstDeclared(members, edges));
      }
    }
  }
  return cycles;
}

/** Rotates a cycle to start at its earliest-declared stack, so reports are stable. */
function startAtFirstDeclared(members: number[], edges: readonly { to: number; at: number }[][]): Cycle {
  const start = members.indexOf(Math.min(...members));
  const nodes = [...members.slice(start), ...members.slice(0, start)];
  const next = nodes[1 % nodes.length]!;
  const firstEdge = edges[nodes[0]!]!.find((e) => e.to === next)!.at;
  return { nodes, firstEdge };
}

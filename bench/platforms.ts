import { buildGraph, criticalPath, levels, type StackGraph } from '../src/dag/index.js';

/** A stack of a synthetic platform: its objects become ready `readyAfterS` seconds after they are created. */
export interface BenchStack {
  name: string;
  dependsOn: string[];
  readyAfterS: number;
}

export interface BenchPlatform {
  /** A DNS label: it names the platform, its Applications and its namespaces. */
  name: string;
  stacks: BenchStack[];
}

/** The shape of a platform, measured from its stacks. */
export interface PlatformShape {
  graph: StackGraph;
  levels: string[][];
  /** The critical path of the known readiness delays: no deploy of the platform can be shorter. */
  boundMs: number;
}

/** A linear congruential generator: the same seed gives the same platform on every machine. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** Readiness delays of 1 to 3 s: whole seconds, as a Deployment's minReadySeconds counts them. */
function delays(seed: number): () => number {
  const random = seeded(seed);
  return () => 1 + Math.floor(random() * 3);
}

const stackName = (i: number) => `s${i}`;

export function chain(length: number, seed = 1): BenchPlatform {
  const delay = delays(seed);
  return {
    name: `chain-${length}`,
    stacks: Array.from({ length }, (_, i) => ({ name: stackName(i), dependsOn: i ? [stackName(i - 1)] : [], readyAfterS: delay() })),
  };
}

/** One root and `width - 1` stacks that depend on it alone. */
export function fanOut(width: number, seed = 2): BenchPlatform {
  const delay = delays(seed);
  return {
    name: `fan-out-${width}`,
    stacks: Array.from({ length: width }, (_, i) => ({ name: stackName(i), dependsOn: i ? [stackName(0)] : [], readyAfterS: delay() })),
  };
}

/** `rows` levels of `columns` stacks; each depends on the stack above it and the one above-left. */
export function lattice(rows: number, columns: number, seed = 3): BenchPlatform {
  const delay = delays(seed);
  const at = (r: number, c: number) => stackName(r * columns + c);
  return {
    name: `lattice-${rows}x${columns}`,
    stacks: Array.from({ length: rows * columns }, (_, i) => {
      const [r, c] = [Math.floor(i / columns), i % columns];
      const dependsOn = r === 0 ? [] : c === 0 ? [at(r - 1, c)] : [at(r - 1, c - 1), at(r - 1, c)];
      return { name: at(r, c), dependsOn, readyAfterS: delay() };
    }),
  };
}

/** Stack i depends on up to `fanIn` distinct stacks among the `window` before it (none for the first). */
export function randomDag(stacks: number, seed: number, fanIn = 2, window = 50): BenchPlatform {
  const random = seeded(seed);
  const delay = delays(seed + 1);
  return {
    name: `random-${stacks}`,
    stacks: Array.from({ length: stacks }, (_, i) => {
      const dependsOn = new Set<string>();
      const wanted = Math.min(i, Math.floor(random() * (fanIn + 1)));
      while (dependsOn.size < wanted) dependsOn.add(stackName(i - 1 - Math.floor(random() * Math.min(i, window))));
      return { name: stackName(i), dependsOn: [...dependsOn], readyAfterS: delay() };
    }),
  };
}

export function shapeOf(platform: BenchPlatform): PlatformShape {
  const graph = buildGraph(platform.stacks);
  const durations = Object.fromEntries(platform.stacks.map((s) => [s.name, s.readyAfterS * 1000]));
  return { graph, levels: levels(graph), boundMs: criticalPath(graph, durations).duration };
}

/** The platforms of `npm run bench`; `--quick` runs the small ones. */
export function benchPlatforms(quick: boolean): BenchPlatform[] {
  const small = [chain(20), fanOut(100)];
  return quick ? small : [...small, lattice(10, 10), randomDag(200, 200), randomDag(1_000, 1_000)];
}

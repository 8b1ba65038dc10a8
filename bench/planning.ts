import { parse, stringify } from 'yaml';
import { SpecError } from '../src/spec/issues.js';
import { maxStacks } from '../src/spec/limits.js';
import { parsePlatformSpec } from '../src/spec/load.js';
import type { PlatformSpec } from '../src/spec/schema.js';
import { validatePlatformSpec } from '../src/spec/validate.js';
import { planOf } from '../src/cli/plan.js';

export interface PlanningResult {
  stacks: number;
  edges: number;
  yamlKiB: number;
  loadAndValidateMs: number;
  planMs: number;
  totalMs: number;
  heapMiB: number;
  /** Over a run's stack limit: how long the loader takes to refuse the spec. */
  refusedByLoaderMs?: number;
}

/** A spec whose stack i depends on `fanIn` distinct earlier stacks (fewer near the start). */
export function syntheticSpecYaml(stacks: number, fanIn: number): { yaml: string; edges: number } {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let edges = 0;
  const list = Array.from({ length: stacks }, (_, i) => {
    const deps = new Set<string>();
    while (deps.size < Math.min(i, fanIn)) deps.add(`stack-${Math.floor(random() * i)}`);
    edges += deps.size;
    return { name: `stack-${i}`, dependsOn: [...deps] };
  });
  const doc = {
    apiVersion: 'baton/v1alpha1',
    kind: 'Platform',
    metadata: { name: 'bench' },
    spec: { source: { repoURL: 'file:///srv/platform.git' }, stacks: list },
  };
  return { yaml: stringify(doc), edges };
}

/**
 * Load (YAML parse + schema + graph validation) and plan, in process; the best of `runs`. A spec with more stacks
 * than a run can hold (src/spec/limits.ts) is planned all the same (the planner has no limit of its own), and the
 * time the loader takes to refuse it, before any run could start, is measured too.
 */
export function measurePlanning(stacks: number, fanIn: number, runs: number): PlanningResult {
  const { yaml, edges } = syntheticSpecYaml(stacks, fanIn);
  let best: PlanningResult | undefined;
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const spec = validatedSpec(yaml);
    const t1 = performance.now();
    planOf(spec);
    const t2 = performance.now();
    const result: PlanningResult = {
      stacks,
      edges,
      yamlKiB: Math.round(yaml.length / 1024),
      loadAndValidateMs: round(t1 - t0),
      planMs: round(t2 - t1),
      totalMs: round(t2 - t0),
      heapMiB: round(process.memoryUsage().heapUsed / 2 ** 20),
      ...(stacks > maxStacks ? { refusedByLoaderMs: round(refusalMs(yaml)) } : {}),
    };
    if (!best || result.totalMs < best.totalMs) best = result;
  }
  return best!;
}

/** What parsePlatformSpec checks, but for the run's size limit: YAML, the schema and the graph. */
function validatedSpec(yaml: string): PlatformSpec {
  const result = validatePlatformSpec(parse(yaml));
  if (!result.ok) throw new Error(`the synthetic spec is invalid: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return result.spec;
}

/** How long the loader takes to refuse a spec over the run's stack limit. */
function refusalMs(yaml: string): number {
  const t0 = performance.now();
  try {
    parsePlatformSpec(yaml);
  } catch (err) {
    if (err instanceof SpecError) return performance.now() - t0;
    throw err;
  }
  throw new Error(`the loader took a spec over the limit of ${maxStacks} stacks`);
}

const round = (n: number) => Math.round(n * 10) / 10;

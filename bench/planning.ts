import { stringify } from 'yaml';
import { parsePlatformSpec } from '../src/spec/load.js';
import { planOf } from '../src/cli/plan.js';

export interface PlanningResult {
  stacks: number;
  edges: number;
  yamlKiB: number;
  loadAndValidateMs: number;
  planMs: number;
  totalMs: number;
  heapMiB: number;
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

/** Load (YAML parse + schema + graph validation) and plan, in process; the best of `runs`. */
export function measurePlanning(stacks: number, fanIn: number, runs: number): PlanningResult {
  const { yaml, edges } = syntheticSpecYaml(stacks, fanIn);
  let best: PlanningResult | undefined;
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const spec = parsePlatformSpec(yaml);
    const t1 = performance.now();
    planOf(spec);
    const t2 = performance.now();
    const result = {
      stacks,
      edges,
      yamlKiB: Math.round(yaml.length / 1024),
      loadAndValidateMs: round(t1 - t0),
      planMs: round(t2 - t1),
      totalMs: round(t2 - t0),
      heapMiB: round(process.memoryUsage().heapUsed / 2 ** 20),
    };
    if (!best || result.totalMs < best.totalMs) best = result;
  }
  return best!;
}

const round = (n: number) => Math.round(n * 10) / 10;

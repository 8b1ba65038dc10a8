import type { PlatformSpec, PromotionPolicy } from '../spec/schema.js';

/** The part of an environment the promotion graph reads: its name and where its freight comes from. */
export interface PromotionNode {
  name: string;
  promotion?: Pick<PromotionPolicy, 'from'> & Partial<PromotionPolicy>;
}

/**
 * The first cycle of the graph whose edges run from each environment to its `from` entries, as the
 * names along it with the first repeated at the end (`dev -> staging -> dev`), or null when there is none.
 * Unknown names are not followed: spec validation reports them on their own.
 */
export function promotionCycle(environments: readonly PromotionNode[]): string[] | null {
  const upstream = new Map(environments.map((e) => [e.name, e.promotion?.from ?? []]));
  const done = new Set<string>();
  const visit = (name: string, path: string[]): string[] | null => {
    const seen = path.indexOf(name);
    if (seen >= 0) return [...path.slice(seen), name];
    if (done.has(name) || !upstream.has(name)) return null;
    for (const next of upstream.get(name)!) {
      const cycle = visit(next, [...path, name]);
      if (cycle) return cycle;
    }
    done.add(name);
    return null;
  };
  for (const { name } of environments) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return null;
}

/** The environments with `auto` whose freight comes from `environment`: where a freight verified there goes next. */
export function downstreamOf(spec: PlatformSpec, environment: string): string[] {
  return spec.spec.environments.filter((e) => e.promotion?.auto && e.promotion.from.includes(environment)).map((e) => e.name);
}

/** The environments that take freight straight from the warehouse: promotion settings and no upstream. */
export function firstEnvironments(spec: PlatformSpec): string[] {
  return spec.spec.environments.filter((e) => e.promotion && e.promotion.from.length === 0).map((e) => e.name);
}

import type { DocumentKey } from './issues.js';
import { dnsLabel, inClusterName, type PlatformSpec, type PromotionPolicy, type StackSpec } from './schema.js';

/**
 * Where one environment of a platform goes: the Argo CD cluster and what its stacks' namespaces end with;
 * and how freight reaches it (null: no promotion settings, a deploy carries whatever its source names).
 */
export interface ResolvedEnvironment {
  name: string;
  cluster: string;
  namespaceSuffix: string;
  promotion: PromotionPolicy | null;
}

type EnvironmentSpec = PlatformSpec['spec']['environments'][number];

/**
 * Why the platform may not be deployed to `environment`, or undefined when it may: a spec that
 * declares environments allows only those, one that declares none allows any.
 */
export function undeclaredEnvironment(spec: PlatformSpec, environment: string): string | undefined {
  const declared = spec.spec.environments.map((e) => e.name);
  if (declared.length === 0 || declared.includes(environment)) return undefined;
  return `platform ${spec.metadata.name} has no environment "${environment}": its spec.environments declares ${declared.join(', ')}; deploy to one of those, or declare ${environment} there`;
}

/** The environment as declared, or, for a spec that declares none, one on the hub with no suffix. */
export function resolveEnvironment(spec: PlatformSpec, environment: string): ResolvedEnvironment {
  const declared = spec.spec.environments.find((e) => e.name === environment);
  return {
    name: environment,
    cluster: declared?.cluster ?? inClusterName,
    namespaceSuffix: declared?.namespaceSuffix ?? '',
    promotion: declared?.promotion ?? null,
  };
}

/** A problem with the environments' destinations, at keys under spec.environments. */
export interface DestinationIssue {
  keys: DocumentKey[];
  message: string;
}

/**
 * Each environment's namespaces must stay DNS-1123 labels with its suffix, and two environments on one
 * cluster need different suffixes: otherwise their stacks would write the same namespaces.
 */
export function environmentDestinationIssues(environments: readonly EnvironmentSpec[], stacks: readonly StackSpec[]): DestinationIssue[] {
  return environments.flatMap((environment, i) => [
    ...suffixIssues(environment, stacks).map((message) => ({ keys: [i, 'namespaceSuffix'], message })),
    ...environments.slice(0, i).flatMap((earlier) =>
      earlier.cluster === environment.cluster && (earlier.namespaceSuffix ?? '') === (environment.namespaceSuffix ?? '')
        ? [
            {
              keys: [i],
              message: `environment ${environment.name} and environment ${earlier.name} are both on cluster ${environment.cluster} with ${environment.namespaceSuffix ? `namespaceSuffix "${environment.namespaceSuffix}"` : 'no namespaceSuffix'}, so their stacks would share namespaces; give one of them another namespaceSuffix or cluster`,
            },
          ]
        : [],
    ),
  ]);
}

function suffixIssues(environment: EnvironmentSpec, stacks: readonly StackSpec[]): string[] {
  const suffix = environment.namespaceSuffix;
  if (suffix === undefined) return [];
  return stacks.flatMap((stack) => {
    const namespace = `${stack.namespace ?? stack.name}${suffix}`;
    const invalid = dnsLabel.safeParse(namespace).error?.issues[0];
    return invalid
      ? [`makes stack ${stack.name}'s namespace "${namespace}", which ${invalid.message}; shorten the suffix or the namespace`]
      : [];
  });
}

import type { PlatformSpec } from './schema.js';

/**
 * Why the platform may not be deployed to `environment`, or undefined when it may: a spec that
 * declares environments allows only those, one that declares none allows any.
 */
export function undeclaredEnvironment(spec: PlatformSpec, environment: string): string | undefined {
  const declared = spec.spec.environments.map((e) => e.name);
  if (declared.length === 0 || declared.includes(environment)) return undefined;
  return `platform ${spec.metadata.name} has no environment "${environment}": its spec.environments declares ${declared.join(', ')}; deploy to one of those, or declare ${environment} there`;
}

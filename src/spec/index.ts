/**
 * The platform spec: its zod schema, validation that names each problem by path and stack, the
 * resolved stacks, the names derived from them (workflow ids, Application names), labels and
 * durations. It may depend on src/dag, zod and yaml. Workflow code imports this barrel, so nothing
 * exported here may touch Node built-ins or do I/O: load.ts (reads files) and jsonSchema.ts are
 * imported by path by the CLI. See docs/architecture.md#stack-flow.
 */
export * from './schema.js';
export { SpecError, formatIssue, formatPath, type SpecIssue } from './issues.js';
export { validatePlatformSpec, type SpecValidation } from './validate.js';
export { resolveStacks, type ResolvedStack } from './resolve.js';
export { resolveEnvironment, undeclaredEnvironment, type ResolvedEnvironment } from './environments.js';
export { platformSourceRepos } from './sourceRepos.js';
export { durationMs, formatDuration } from './duration.js';
export * from './names.js';
export type { ApplicationSource, StackSources, StackSourceSpec } from './applicationSource.js';

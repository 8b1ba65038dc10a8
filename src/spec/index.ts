export * from './schema.js';
export { SpecError, formatIssue, formatPath, type SpecIssue } from './issues.js';
export { validatePlatformSpec, type SpecValidation } from './validate.js';
export { resolveStacks, type ResolvedStack } from './resolve.js';
export { durationMs, formatDuration } from './duration.js';
export * from './names.js';

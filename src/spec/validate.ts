import { validateGraph } from '../dag/index.js';
import { environmentOverrideIssues } from './environmentOverrides.js';
import { environmentDestinationIssues } from './environments.js';
import { issueAt, type SpecIssue } from './issues.js';
import { promotionIssues } from './promotionRules.js';
import { removedFieldIssues } from './removedFields.js';
import { schemaIssue } from './schemaIssue.js';
import { platformSpecSchema, type PlatformSpec } from './schema.js';
import { stackSourceIssues } from './sourceRules.js';

export type SpecValidation = { ok: true; spec: PlatformSpec } | { ok: false; issues: SpecIssue[] };

/**
 * Checks a parsed document against the schema, the source rules, the environments' overrides,
 * destinations and promotion settings, and the dependency rules. Pure and bundle-safe: the workflow runs it on its input as well as the CLI on a file.
 */
export function validatePlatformSpec(document: unknown): SpecValidation {
  const parsed = platformSpecSchema.safeParse(document);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.flatMap((issue) => removedFieldIssues(issue, document) ?? [schemaIssue(issue, document)]),
    };
  }
  const { stacks, source, environments } = parsed.data.spec;
  const issues = [
    ...stackSourceIssues(stacks, source).map((issue) => issueAt(['spec', 'stacks', ...issue.keys], document, issue.message)),
    ...environmentOverrideIssues(environments, stacks).map((issue) =>
      issueAt(['spec', 'environments', ...issue.keys], document, issue.message),
    ),
    ...environmentDestinationIssues(environments, stacks).map((issue) =>
      issueAt(['spec', 'environments', ...issue.keys], document, issue.message),
    ),
    ...promotionIssues(environments).map((issue) => issueAt(['spec', 'environments', ...issue.keys], document, issue.message)),
    ...validateGraph(stacks).map((issue) => issueAt(['spec', 'stacks', ...issue.path], document, issue.message)),
  ];
  return issues.length > 0 ? { ok: false, issues } : { ok: true, spec: parsed.data };
}

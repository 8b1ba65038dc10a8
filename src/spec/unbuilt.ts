import { childOf, issueAt, type SpecIssue } from './issues.js';

/**
 * Fields the schema reserves for what is not built yet, refused when set: nothing is accepted and then
 * ignored. Checked where a spec comes in from a file (every command that reads one), not in the schema:
 * runs started before carry `requiresApproval: true` in their input, and the workflow validates its input
 * with the schema on every replay and continue-as-new.
 */
export function unbuiltIssues(document: unknown): SpecIssue[] {
  const environments = childOf(childOf(document, 'spec'), 'environments');
  if (!Array.isArray(environments)) return [];
  return environments.flatMap((environment: unknown, i) =>
    childOf(environment, 'requiresApproval') === true
      ? [
          issueAt(
            ['spec', 'environments', i, 'requiresApproval'],
            document,
            'true is refused: approvals before a deploy are not built yet; remove requiresApproval or set it to false',
          ),
        ]
      : [],
  );
}

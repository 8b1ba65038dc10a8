import assert from 'node:assert/strict';
import { formatIssue, SpecError, type PlatformSpecInput } from '../../src/spec/index.js';
import { parsePlatformSpec } from '../../src/spec/load.js';

/** A platform spec's text up to its stacks: platform demo in file:///srv/platform.git at main; list items under it go at 4 spaces. */
export const platformHead = `apiVersion: baton/v1alpha1
kind: Platform
metadata:
  name: demo
spec:
  source: { repoURL: file:///srv/platform.git, targetRevision: main }
  stacks:
`;

/** Every problem `baton validate` prints for a spec in `file`, one line each; none for a valid spec. */
export function specProblems(text: string, file: string): string[] {
  try {
    parsePlatformSpec(text, file);
  } catch (err) {
    assert.ok(err instanceof SpecError, String(err));
    return err.issues.map((issue) => formatIssue(issue, file));
  }
  return [];
}

/** A platform spec document with the given stacks, as a user would write it. */
export function platformDocument(
  name: string,
  stacks: { name: string; dependsOn?: string[] }[],
  defaults: PlatformSpecInput['spec']['defaults'] = {},
): PlatformSpecInput {
  return {
    apiVersion: 'baton/v1alpha1',
    kind: 'Platform',
    metadata: { name },
    spec: { source: { repoURL: 'file:///srv/platform.git', targetRevision: 'main' }, defaults, stacks },
  };
}

export const diamond = [
  { name: 'base' },
  { name: 'left', dependsOn: ['base'] },
  { name: 'right', dependsOn: ['base'] },
  { name: 'top', dependsOn: ['left', 'right'] },
];

/** Two branches off one base, so a failure in one blocks its branch and leaves the other. */
export const twoBranches = [
  { name: 'crds' },
  { name: 'cert-manager', dependsOn: ['crds'] },
  { name: 'ingress', dependsOn: ['cert-manager'] },
  { name: 'app', dependsOn: ['ingress'] },
  { name: 'monitoring', dependsOn: ['crds'] },
  { name: 'dashboards', dependsOn: ['monitoring'] },
];

/** A random DAG: each stack depends on up to `fanIn` earlier ones, drawn from a seeded generator. */
export function randomDag(count: number, fanIn: number, seed: number): { name: string; dependsOn: string[] }[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, (_, i) => {
    const deps = new Set<string>();
    const wanted = i === 0 ? 0 : Math.floor(next() * (fanIn + 1));
    for (let k = 0; k < wanted; k++) deps.add(`s${Math.floor(next() * i)}`);
    return { name: `s${i}`, dependsOn: [...deps] };
  });
}

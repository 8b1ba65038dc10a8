import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { childOf, SpecError, type DocumentKey, type SpecIssue } from '../../../src/spec/issues.js';
import { parsePlatformSpec } from '../../../src/spec/load.js';
import { validatePlatformSpec } from '../../../src/spec/validate.js';
import { fuzzCases } from './fuzzCases.js';

/**
 * A valid spec that sets a little of everything (defaults, a path, a Helm source, environments with
 * promotion gates and overrides), kept small so that ten thousand of its variants load in seconds.
 */
const validText = `apiVersion: baton/v1alpha1
kind: Platform
metadata: { name: shop }
spec:
  source: { repoURL: file:///srv/platform.git, targetRevision: main }
  defaults: { maxParallelStacks: 2, failurePolicy: failFast, healthTimeout: 5m, retry: { maximumAttempts: 3 }, sync: { prune: false } }
  stacks:
    - { name: crds, namespace: baton-system }
    - { name: api, path: stacks/api, dependsOn: [crds], retry: { initialInterval: 10s } }
    - name: web
      dependsOn: [api]
      source: { helm: { releaseName: web, valueFiles: [values.yaml], valuesObject: { replicas: 2 } } }
  environments:
    - { name: dev, promotion: { auto: true } }
    - name: prod
      cluster: prod
      namespaceSuffix: -prod
      promotion: { from: [dev], verifiedIn: [dev], soak: 10m, approvals: { required: 1, from: [lead] } }
      stacks: { web: { helm: { valueFiles: [values-prod.yaml] } } }
`;
const valid: unknown = parse(validText);

/** A shorter valid spec for damage at the character level: every variant is parsed as YAML, which costs most. */
const shortText = `apiVersion: baton/v1alpha1
kind: Platform
metadata: { name: shop }
spec:
  source: { repoURL: file:///srv/platform.git }
  stacks:
    - { name: crds }
    - { name: web, dependsOn: [crds], source: { helm: { valueFiles: [v.yaml] } } }
  environments: [{ name: prod, promotion: { soak: 1h } }]
`;

/**
 * A problem names where it is: a path into the document, or for the document as a whole a YAML error
 * (with its line) or what the document lacks or holds too much of; never a JavaScript value's rendering.
 */
function assertNamed(issue: SpecIssue): void {
  assert.ok(issue.message.length > 0, `an empty message at ${issue.path}`);
  assert.doesNotMatch(issue.message, /\[object |\[native code\]|undefined must/, `a message that shows no value: ${issue.message}`);
  if (issue.path !== '') return;
  if (issue.message.startsWith('YAML: ')) return assert.ok(issue.line !== undefined, `a YAML error without its line: ${issue.message}`);
  assert.match(
    issue.message,
    /must be a mapping|unknown fields? "|payload limit|aliases/,
    `a problem that names no field: ${issue.message}`,
  );
}

/** The loader either answers a spec or throws a SpecError whose every problem names its field. */
function loadOrRefuse(text: string): SpecIssue[] {
  try {
    parsePlatformSpec(text, 'fuzz.yaml');
    return [];
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    assert.ok(err.issues.length > 0, 'a SpecError without problems');
    err.issues.forEach(assertNamed);
    return [...err.issues];
  }
}

/** What the run and `baton apply` validate: the document, parsed already. */
function validateOrRefuse(document: unknown): SpecIssue[] {
  const result = validatePlatformSpec(document);
  if (result.ok) return [];
  result.issues.forEach(assertNamed);
  return result.issues;
}

/** Pieces of YAML that exercise its corners: anchors, aliases, tags, merge keys, flow and block styles, directives. */
const yamlPieces = fc.constantFrom(
  ...['apiVersion: baton/v1alpha1', 'kind: Platform', 'metadata:', 'name: demo', 'spec:', 'stacks:', 'source:', 'repoURL: x'],
  ...['dependsOn:', 'environments:', '- ', '  ', '\n', '\t', ': ', ', ', '{', '}', '[', ']', '"', "'", '#', '&a ', '*a', '&b ', '*b'],
  ...['!!binary ', '!!set ', '!!omap ', '!!timestamp ', '!!int ', '!!float ', '!custom ', '<<: ', '? ', '| ', '> ', '---\n', '...\n'],
  ...['%YAML 1.1\n', '%TAG ! tag:x,2000:\n', '__proto__', 'constructor', 'toString', '1e400', '0x1F', '~', 'null', 'true', '\\u0000'],
);
const yamlSoup = fc.array(fc.oneof(yamlPieces, fc.string({ maxLength: 6 })), { maxLength: 40 }).map((pieces) => pieces.join(''));

/** The valid spec with a few characters inserted, removed or replaced. */
const damagedSpec = fc
  .array(fc.tuple(fc.nat(shortText.length), fc.nat(8), fc.string({ maxLength: 8, unit: 'grapheme' })), { minLength: 1, maxLength: 4 })
  .map((edits) => edits.reduce((text, [at, remove, insert]) => text.slice(0, at) + insert + text.slice(at + remove), shortText));

/** Every place in a document, as keys from its root. */
function placesIn(node: unknown, keys: DocumentKey[] = []): DocumentKey[][] {
  if (typeof node !== 'object' || node === null) return [keys];
  const children = Array.isArray(node) ? node.map((child, i) => [i, child] as const) : Object.entries(node);
  return [keys, ...children.flatMap(([key, child]) => placesIn(child, [...keys, key]))];
}
const validPlaces = placesIn(valid).filter((keys) => keys.length > 0);

/** The valid spec with one place given another value, or removed. */
const mutatedSpec = fc.record({
  keys: fc.constantFrom(...validPlaces),
  value: fc.option(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('', 'Not-A-Label', 'a'.repeat(64), '10 minutes', -1, 0, 1.5)), {
    nil: undefined,
  }),
});

function withValueAt(document: unknown, keys: readonly DocumentKey[], value: unknown): unknown {
  const copy = structuredClone(document);
  const parent = keys.slice(0, -1).reduce(childOf, copy) as Record<DocumentKey, unknown>;
  const last = keys.at(-1)!;
  if (value !== undefined) parent[last] = value;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

/** The names of the stacks and environments in a part of the document. */
function namesIn(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, child]) => (key === 'name' || Array.isArray(node) ? namesIn(child) : []));
}

/** Whether two places are one inside the other (or the same). */
const nested = (a: readonly DocumentKey[], b: readonly DocumentKey[]) =>
  a.slice(0, b.length).every((key, i) => key === b[i]) || b.slice(0, a.length).every((key, i) => key === a[i]);

describe('the spec loader under hostile input (fast-check)', () => {
  it('arbitrary text, and YAML built from its corners: a spec or a SpecError naming each field', async () => {
    const run = await fuzzCases(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), yamlSoup), loadOrRefuse, 12_000);
    console.log(`spec loader, arbitrary text: ${run.cases} cases, ${run.cpuMs} ms of CPU, slowest ${run.slowestMs} ms, seed ${run.seed}`);
  });

  it('a valid spec with characters inserted, removed or replaced', async () => {
    const run = await fuzzCases(damagedSpec, loadOrRefuse, 30_000);
    console.log(`spec loader, damaged spec: ${run.cases} cases, ${run.cpuMs} ms of CPU, slowest ${run.slowestMs} ms, seed ${run.seed}`);
  });

  it('arbitrary JSON documents, as an object and as JSON text', async () => {
    const document = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', '__proto__', 'extra'), fc.jsonValue({ maxDepth: 3 })),
    );
    const run = await fuzzCases(
      document,
      (value) => {
        validateOrRefuse(value);
        loadOrRefuse(JSON.stringify(value));
      },
      20_000,
    );
    console.log(`spec loader, JSON documents: ${run.cases} cases, ${run.cpuMs} ms of CPU, slowest ${run.slowestMs} ms, seed ${run.seed}`);
  });

  it('a valid spec with one field changed or removed: a refusal names that field, one inside it, or one that refers to it', async () => {
    const run = await fuzzCases(
      mutatedSpec,
      ({ keys, value }) => {
        const issues = validateOrRefuse(withValueAt(valid, keys, value));
        if (issues.length === 0) return;
        // Removing or renaming a stack or an environment is refused where others name it.
        const names = namesIn(keys.reduce(childOf, valid));
        const named = issues.some(
          (issue) => (issue.keys !== undefined && nested(issue.keys, keys)) || names.some((name) => issue.message.includes(`"${name}"`)),
        );
        assert.ok(
          named,
          `changing ${keys.join('.')} to ${JSON.stringify(value)}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        );
      },
      12_000,
    );
    console.log(`spec loader, changed spec: ${run.cases} cases, ${run.cpuMs} ms of CPU, slowest ${run.slowestMs} ms, seed ${run.seed}`);
  });
});

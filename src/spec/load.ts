import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { SpecError, type SpecIssue } from './issues.js';
import { specPayloadIssue, specTextLimitIssue, stackCountIssue } from './limits.js';
import type { PlatformSpec } from './schema.js';
import { validatePlatformSpec } from './validate.js';

/**
 * YAML 1.2's core schema whatever the file's %YAML directive says, without YAML 1.1's tags (a spec is
 * plain data: `!!binary` or a timestamp stays a string), without warnings on stderr (an unknown tag's
 * value is a string the schema judges).
 */
const yamlOptions = { prettyErrors: false, uniqueKeys: true, schema: 'core', resolveKnownTags: false, logLevel: 'error' } as const;

/**
 * Parses and validates a platform spec; a SpecError lists every problem with its path and line. A spec
 * too large for a run (src/spec/limits.ts) is refused before it is parsed or validated in full.
 */
export function parsePlatformSpec(text: string, source?: string): PlatformSpec {
  const tooLarge = specTextLimitIssue(text);
  if (tooLarge) throw new SpecError([tooLarge], source);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...yamlOptions, lineCounter });
  if (doc.errors.length > 0) {
    throw new SpecError(
      doc.errors.map((e) => ({ path: '', message: `YAML: ${e.message.split('\n')[0]}`, line: lineCounter.linePos(e.pos[0]).line })),
      source,
    );
  }
  const document = documentOf(doc, source);
  const tooMany = stackCountIssue(document);
  if (tooMany) throw new SpecError([withLine(tooMany, doc, lineCounter)], source);
  const result = validatePlatformSpec(document);
  if (!result.ok) {
    throw new SpecError(
      result.issues.map((issue) => withLine(issue, doc, lineCounter)),
      source,
    );
  }
  const unsendable = specPayloadIssue(document, result.spec);
  if (unsendable) throw new SpecError([withLine(unsendable, doc, lineCounter)], source);
  return result.spec;
}

/** The document as plain data; aliases that would expand it beyond yaml's alias limit are refused. */
function documentOf(doc: Document, source: string | undefined): unknown {
  try {
    return doc.toJS();
  } catch (err) {
    // yaml throws a ReferenceError for alias expansion past maxAliasCount (a "billion laughs" document).
    throw new SpecError([{ path: '', message: `${(err as Error).message}: too many aliases (*name); write the values out` }], source);
  }
}

export async function loadPlatformSpec(file: string): Promise<PlatformSpec> {
  // An empty name (`baton validate ""`) would leave the file out of every message.
  if (file === '') throw new SpecError([{ path: '', message: 'the file name is empty: give the path of a platform spec' }]);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SpecError([{ path: '', message: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }], file);
  }
  return parsePlatformSpec(text, file);
}

/** Finds the line of the deepest node of the issue's path that exists in the document. */
function withLine(issue: SpecIssue, doc: Document, lineCounter: LineCounter): SpecIssue {
  const keys = issue.keys ?? [];
  for (let depth = keys.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(keys.slice(0, depth), true);
    if (isNode(node) && node.range) return { ...issue, line: lineCounter.linePos(node.range[0]).line };
  }
  return issue;
}

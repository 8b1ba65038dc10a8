import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { SpecError, type SpecIssue } from './issues.js';
import type { PlatformSpec } from './schema.js';
import { unbuiltIssues } from './unbuilt.js';
import { validatePlatformSpec } from './validate.js';

/** Parses and validates a platform spec; a SpecError lists every problem with its path and line. */
export function parsePlatformSpec(text: string, source?: string): PlatformSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecError(
      doc.errors.map((e) => ({ path: '', message: `YAML: ${e.message.split('\n')[0]}`, line: lineCounter.linePos(e.pos[0]).line })),
      source,
    );
  }
  const document: unknown = doc.toJS();
  const result = validatePlatformSpec(document);
  const unbuilt = unbuiltIssues(document);
  if (!result.ok || unbuilt.length > 0) {
    throw new SpecError(
      [...(result.ok ? [] : result.issues), ...unbuilt].map((issue) => withLine(issue, doc, lineCounter)),
      source,
    );
  }
  return result.spec;
}

export async function loadPlatformSpec(file: string): Promise<PlatformSpec> {
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

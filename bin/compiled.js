// Whether dist/ (the compiled CLI, `npm run build`) is current: bin/baton.js runs it only then, so the CLI
// never runs code older than the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Written last by `npm run build`, dated when the build began: a source saved during the build is newer. */
export const buildStamp = join(repoRoot, 'dist/.built');

/** Why dist/ must not run (not built, or a source changed since), or undefined when it is current. */
export function staleReason() {
  const sources = join(repoRoot, 'src');
  // The image carries dist/ without the sources: nothing to compare with.
  if (!existsSync(sources)) return undefined;
  if (!existsSync(buildStamp)) return 'dist/ is not built';
  const built = statSync(buildStamp).mtimeMs;
  for (const entry of readdirSync(sources, { recursive: true, withFileTypes: true })) {
    const file = join(entry.parentPath, entry.name);
    if (entry.isFile() && statSync(file).mtimeMs > built) return `${relative(repoRoot, file)} changed after dist/ was built`;
  }
  return undefined;
}

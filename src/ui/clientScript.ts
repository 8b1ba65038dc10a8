import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../sandbox/config.js';

/** Where scripts/build.js writes the bundled page script (src/ui/client/page.ts). */
export const pageScriptPath = join(repoRoot, 'dist/ui/page.js');

export async function pageScript(): Promise<string> {
  try {
    return await readFile(pageScriptPath, 'utf8');
  } catch {
    throw new Error(`${pageScriptPath} is missing: \`node scripts/build.js\` (or scripts/setup.sh) bundles the web view's page script`);
  }
}

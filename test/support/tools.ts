import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Path of a Go-built part in .tools/bin; a missing one fails the test with the command that builds it. */
export function toolPath(name: string): string {
  const path = `${repoRoot}.tools/bin/${name}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: build it with \`bash scripts/build-tools.sh\``);
  return path;
}

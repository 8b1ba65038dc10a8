import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs fn with the variables in a file only this user can read (0600 in a 0700 folder), removed
 * afterwards whatever happens: extra-vars never appear on a command line or in the process table.
 */
export async function withExtraVarsFile<T>(vars: Record<string, unknown>, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-ansible-'));
  try {
    const path = join(dir, 'extra-vars.json');
    await writeFile(path, JSON.stringify(vars), { mode: 0o600 });
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { FileChange } from '../../src/sandbox/index.js';
import { repoRoot } from './tools.js';

/** The unmodified upstream charts, next to the repository (never copied into it). */
export const realstacksDir = join(repoRoot, '../shared/realstacks');

/** Fails, naming the folder, when the upstream charts are not there. */
export function requireRealstacks(): void {
  if (!existsSync(join(realstacksDir, 'README.md'))) {
    throw new Error(
      `${realstacksDir} (../shared/realstacks from the repository) is missing: it holds the unmodified upstream charts this test deploys; put them there (its README lists each chart's origin and commit)`,
    );
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** The folder of the chart named `name` (its Chart.yaml's folder name), at the top or one level down. */
export async function realstacksChart(name: string): Promise<string> {
  for (const candidate of [
    join(realstacksDir, name),
    ...(await readdir(realstacksDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(realstacksDir, e.name, name)),
  ]) {
    if (existsSync(join(candidate, 'Chart.yaml'))) return candidate;
  }
  throw new Error(`no chart ${name} in ${realstacksDir}: expected ${name}/Chart.yaml or <group>/${name}/Chart.yaml`);
}

/** Every file under a local folder as a change writing it under `to` in a Git repository. */
export async function folderChanges(from: string, to: string): Promise<FileChange[]> {
  const files = await filesUnder(from);
  return Promise.all(files.map(async (file) => ({ path: join(to, relative(from, file)), content: await readFile(file) })));
}

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileChange } from '../../src/sandbox/index.js';
import { repoRoot } from './tools.js';

/** The checkout this one was cloned from, when that is a folder on this machine: a fresh clone's charts sit beside it. */
function clonedFrom(): string | undefined {
  try {
    const url = execFileSync('git', ['-C', repoRoot, 'remote', 'get-url', 'origin'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (url.startsWith('file://')) return fileURLToPath(url);
    return isAbsolute(url) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Where the upstream charts may be, in order: BATON_REALSTACKS_DIR, ../shared/realstacks beside this checkout, then beside its origin. */
const realstacksCandidates = [
  process.env.BATON_REALSTACKS_DIR,
  join(repoRoot, '../shared/realstacks'),
  ...[clonedFrom()].filter((dir): dir is string => dir !== undefined).map((origin) => join(origin, '../shared/realstacks')),
].filter((dir): dir is string => Boolean(dir));

/** The unmodified upstream charts, next to the repository (never copied into it). */
export const realstacksDir = realstacksCandidates.find((dir) => existsSync(join(dir, 'README.md'))) ?? realstacksCandidates[0]!;

/** Fails, naming the folders it looked in, when the upstream charts are not there. */
export function requireRealstacks(): void {
  if (!existsSync(join(realstacksDir, 'README.md'))) {
    throw new Error(
      `the unmodified upstream charts these tests deploy are missing: looked in ${realstacksCandidates.join(', ')}; put ../shared/realstacks beside the repository or set BATON_REALSTACKS_DIR (its README lists each chart's origin and commit)`,
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

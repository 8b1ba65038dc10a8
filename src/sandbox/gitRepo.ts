import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The branch the sandbox's stack sources live on. */
export const gitBranch = 'main';

/** Every commit the sandbox makes carries this author, whatever the machine's git settings say. */
const author = { name: 'Baton Sandbox', email: 'baton-sandbox@localhost' };

/** One file to write (content) or delete (null), relative to the repository's root. */
export interface FileChange {
  path: string;
  content: string | Buffer | null;
}

async function git(args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await run('git', args, {
      cwd,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
      },
    });
    return stdout;
  } catch (err) {
    const { code, stderr, message } = err as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') throw new Error('git is missing: install it (Debian: apt-get install git)', { cause: err });
    throw new Error(`git ${args[0]} failed: ${stderr?.trim() || message}`, { cause: err });
  }
}

/** A local path for a file:// URL or a path; other URLs are passed to git as they are. */
function repoLocation(repo: string): string {
  return repo.startsWith('file://') ? fileURLToPath(repo) : repo;
}

/** The file:// URL Argo CD reads a local repository through. */
export function repoUrl(path: string): string {
  return pathToFileURL(resolve(path)).href;
}

/** The commit the branch points at. */
export async function headRevision(repo: string, branch = gitBranch): Promise<string> {
  const line = (await git(['ls-remote', '--heads', repoLocation(repo), `refs/heads/${branch}`])).trim();
  const revision = line.split(/\s+/)[0];
  if (!revision) throw new Error(`${repo} has no branch ${branch}`);
  return revision;
}

function checkedPath(path: string): string {
  const clean = normalize(path);
  if (!path || isAbsolute(path) || clean === '.' || clean.startsWith('..') || clean.split('/').includes('.git')) {
    throw new Error(`${path} is not a path inside the repository`);
  }
  return clean;
}

/** Commits and pushes what a work tree holds; resolves with the new revision (or the current one when nothing changed). */
async function commitAndPush(
  workTree: string,
  repo: string,
  branch: string,
  message: string,
): Promise<{ revision: string; changed: boolean }> {
  await git(['add', '--all'], workTree);
  const changed = (await git(['status', '--porcelain'], workTree)).trim() !== '';
  if (changed) {
    await git(['-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-m', message], workTree);
    await git(['push', '--quiet', repoLocation(repo), `HEAD:refs/heads/${branch}`], workTree);
  }
  return { revision: (await git(['rev-parse', 'HEAD'], workTree)).trim(), changed };
}

/**
 * Clones the branch into a temporary folder, writes and deletes the files, commits them with a fixed
 * author and pushes; the folder is removed afterwards. A change that leaves every file as it was makes
 * no commit and resolves with the current revision.
 */
export async function commitFiles(
  repo: string,
  changes: FileChange[],
  message: string,
  branch = gitBranch,
): Promise<{ revision: string; changed: boolean }> {
  if (!changes.length) throw new Error('nothing to commit: no files given');
  const workTree = await mkdtemp(join(tmpdir(), 'baton-git-'));
  try {
    await git(['clone', '--quiet', '--branch', branch, '--single-branch', repoLocation(repo), workTree]);
    for (const change of changes) {
      const target = join(workTree, checkedPath(change.path));
      if (change.content === null) {
        await rm(target, { recursive: true, force: true });
      } else {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, change.content);
      }
    }
    return await commitAndPush(workTree, repo, branch, message);
  } finally {
    await rm(workTree, { recursive: true, force: true });
  }
}

/** Adds the seed's files the branch does not have yet; files already there (perhaps changed on purpose) are kept. */
async function addMissingSeedFiles(repoPath: string, seedDir: string, seedName: string): Promise<string> {
  const workTree = await mkdtemp(join(tmpdir(), 'baton-git-seed-'));
  try {
    await git(['clone', '--quiet', '--branch', gitBranch, '--single-branch', repoPath, workTree]);
    await cp(seedDir, workTree, { recursive: true, force: false, errorOnExist: false });
    return (await commitAndPush(workTree, repoPath, gitBranch, `Add new files from ${seedName}`)).revision;
  } finally {
    await rm(workTree, { recursive: true, force: true });
  }
}

/**
 * The sandbox's stack sources: a bare repository whose branch main starts as a copy of seedDir
 * (commit "Seed from manifests/examples"). When it exists, only files new in seedDir are added.
 */
export async function ensureSeededRepo(
  repoPath: string,
  seedDir: string,
  seedName: string,
): Promise<{ seeded: boolean; revision: string }> {
  if (existsSync(join(repoPath, 'HEAD'))) {
    const revision = await headRevision(repoPath).catch(() => undefined);
    if (revision) return { seeded: false, revision: await addMissingSeedFiles(repoPath, seedDir, seedName) };
  } else {
    await mkdir(repoPath, { recursive: true });
    await git(['init', '--quiet', '--bare', `--initial-branch=${gitBranch}`, repoPath]);
  }
  const workTree = await mkdtemp(join(tmpdir(), 'baton-git-seed-'));
  try {
    await git(['init', '--quiet', `--initial-branch=${gitBranch}`, workTree]);
    await cp(seedDir, workTree, { recursive: true });
    const { revision } = await commitAndPush(workTree, repoPath, gitBranch, `Seed from ${seedName}`);
    return { seeded: true, revision };
  } finally {
    await rm(workTree, { recursive: true, force: true });
  }
}

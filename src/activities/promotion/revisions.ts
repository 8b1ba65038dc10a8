import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes } from '../../workflows/failureTypes.js';
import { cancellationSignal, heartbeating } from '../heartbeat.js';
import type { PromotionActivities } from '../interfaces.js';

const run = promisify(execFile);

const commitPattern = /^[0-9a-f]{40}$/i;

/** git reads a file:// URL itself, but rev-parse needs the repository's folder. */
function localPath(repoURL: string): string | undefined {
  if (repoURL.startsWith('file://')) return fileURLToPath(repoURL);
  return repoURL.startsWith('/') ? repoURL : undefined;
}

/** A git failure that a retry may cure (the server did not answer) is retryable; git's own message is kept. */
async function git(args: string[], what: string): Promise<string> {
  try {
    const { stdout } = await run('git', args, {
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' },
      ...(cancellationSignal() ? { signal: cancellationSignal() } : {}),
    });
    return stdout;
  } catch (err) {
    const { code, stderr, message } = err as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT')
      throw ApplicationFailure.nonRetryable('git is missing on the promotion worker: install it (Debian: apt-get install git)');
    throw ApplicationFailure.retryable(`${what}: git ${args[0]} failed: ${stderr?.trim() || message}`);
  }
}

/** `git ls-remote` lines as ref → commit; an annotated tag's peeled line (`^{}`) is its commit. */
async function remoteRefs(repoURL: string, patterns: string[]): Promise<Map<string, string>> {
  const out = await git(['ls-remote', repoURL, ...patterns], `listing the refs of ${repoURL}`);
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [commit, ref] = line.trim().split(/\s+/);
    if (!commit || !ref) continue;
    if (ref.endsWith('^{}')) refs.set(ref.slice(0, -3), commit);
    else if (!refs.has(ref)) refs.set(ref, commit);
  }
  return refs;
}

function unknownRevision(repoURL: string, revision: string, detail: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `${repoURL} has no revision "${revision}" (${detail}); name a branch, a tag or a 40-hex commit the repository has`,
    failureTypes.promotionRefused,
  );
}

/**
 * The commit a branch, tag or HEAD points at now (git ls-remote); a 40-hex commit is checked with rev-parse
 * in a local repository and taken as given in a remote one, which Argo CD checks when it syncs.
 */
export async function resolveRevision({ repoURL, revision }: { repoURL: string; revision: string }): Promise<{ revision: string }> {
  return heartbeating(`resolving ${revision} in ${repoURL}`, async () => {
    if (commitPattern.test(revision)) {
      const path = localPath(repoURL);
      if (!path) return { revision: revision.toLowerCase() };
      const commit = await git(
        ['--git-dir', path, 'rev-parse', '--verify', '--quiet', `${revision}^{commit}`],
        `checking ${revision} in ${repoURL}`,
      ).catch(() => '');
      if (!commit.trim()) throw unknownRevision(repoURL, revision, 'no such commit');
      return { revision: commit.trim() };
    }
    const refs = await remoteRefs(repoURL, [revision]);
    for (const ref of [revision, `refs/heads/${revision}`, `refs/tags/${revision}`]) {
      const commit = refs.get(ref);
      if (commit) return { revision: commit };
    }
    throw unknownRevision(
      repoURL,
      revision,
      refs.size ? `refs that match: ${[...refs.keys()].join(', ')}` : 'no branch or tag by that name',
    );
  });
}

/** The commit the branch's head is at now: what the warehouse compares with the freight it knows. */
export async function latestRevision({ repoURL, branch }: { repoURL: string; branch: string }): Promise<{ revision: string }> {
  return heartbeating(`reading the head of ${branch} in ${repoURL}`, async () => {
    const commit = (await remoteRefs(repoURL, [`refs/heads/${branch}`])).get(`refs/heads/${branch}`);
    if (!commit) throw unknownRevision(repoURL, branch, 'no such branch');
    return { revision: commit };
  });
}

export const revisionActivities = { resolveRevision, latestRevision } satisfies Pick<
  PromotionActivities,
  'resolveRevision' | 'latestRevision'
>;

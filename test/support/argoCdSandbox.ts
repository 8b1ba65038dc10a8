import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { StackTarget } from '../../src/activities/interfaces.js';
import type { SandboxStatus } from '../../src/sandbox/index.js';

/** A call to the sandbox's Argo CD API as its admin, for what a test sets up around the activities. */
export async function adminRequest(status: SandboxStatus, method: string, path: string, body?: unknown): Promise<unknown> {
  const password = (await readFile(status.argocd.passwordFile, 'utf8')).trim();
  const json = { 'Content-Type': 'application/json' };
  const session = (await (
    await fetch(`${status.argocd.url}/api/v1/session`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: 'admin', password }),
    })
  ).json()) as { token: string };
  const response = await fetch(`${status.argocd.url}${path}`, {
    method,
    headers: { ...json, Authorization: `Bearer ${session.token}` },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/** An AppProject that allows every source and destination: the tests' Applications belong to it. */
export async function upsertOpenProject(status: SandboxStatus, project: string): Promise<void> {
  await adminRequest(status, 'POST', '/api/v1/projects', {
    upsert: true,
    project: {
      metadata: { name: project },
      spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] },
    },
  });
}

/** What a test changes of a stack; its source is the folder it names. */
export type StackOverrides = Partial<Omit<StackTarget['stack'], 'source' | 'sources'>>;

/** A stack of a test platform whose manifests are at `path` in the sandbox's Git repository; namespace PLATFORM-STACK. */
export function sandboxStackTarget(
  status: SandboxStatus,
  { platform, environment, stack, path }: { platform: string; environment: string; stack: string; path: string },
  overrides: StackOverrides = {},
): StackTarget {
  return {
    platform,
    environment,
    stack: {
      name: stack,
      source: { repoURL: status.git.url, path, targetRevision: status.git.branch },
      namespace: `${platform}-${stack}`,
      dependsOn: [],
      healthTimeout: '90s',
      retry: { maximumAttempts: 1 },
      sync: { selfHeal: true, prune: true, options: ['CreateNamespace=true'] },
      createsNamespace: true,
      ...overrides,
    },
  };
}

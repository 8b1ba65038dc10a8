import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import type { AnsibleSettings } from '../../src/activities/ansible/index.js';
import { toolPath } from './tools.js';

const run = promisify(execFile);

/** The platform the bootstrap-layer tests install; one at a time per cluster, like Argo CD itself. */
export const testPlatform = 'ansible-it';

/** The bootstrap layer's settings against the sandbox: its cluster, Argo CD's pinned manifests and its Argo CD API. */
export function settingsFor(
  kubeconfig: string,
  argocdManifestsDir: string,
  argocd: { url: string; passwordFile: string },
): AnsibleSettings {
  return {
    kubeconfig,
    argocdManifestsDir,
    source: { repoURL: 'file:///srv/platform.git', targetRevision: 'main' },
    argocdUrl: argocd.url,
    argocdAdminPasswordFile: argocd.passwordFile,
  };
}

export async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(toolPath('kubectl'), ['--kubeconfig', kubeconfig, ...args], { timeout: 60_000 });
  return stdout;
}

interface KubeconfigFile {
  clusters: { cluster: { server: string; 'certificate-authority'?: string; 'certificate-authority-data'?: string } }[];
}

/** The API server's URL and CA from a kubeconfig (its first cluster). */
function apiServer(kubeconfig: string): { server: string; ca: Buffer } {
  const cluster = (parse(readFileSync(kubeconfig, 'utf8')) as KubeconfigFile).clusters[0]?.cluster;
  if (!cluster) throw new Error(`${kubeconfig} names no cluster`);
  const ca = cluster['certificate-authority-data']
    ? Buffer.from(cluster['certificate-authority-data'], 'base64')
    : readFileSync(cluster['certificate-authority'] ?? '');
  return { server: cluster.server, ca };
}

/** A kubeconfig for the same cluster that authenticates with a bearer token. */
export async function writeTokenKubeconfig(adminKubeconfig: string, token: string, path: string): Promise<void> {
  const { server, ca } = apiServer(adminKubeconfig);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sandbox', cluster: { server, 'certificate-authority-data': ca.toString('base64') } }],
    users: [{ name: 'token', user: { token } }],
    contexts: [{ name: 'token', context: { cluster: 'sandbox', user: 'token' } }],
    'current-context': 'token',
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
}

/** Sends one request to the API server with a bearer token; resolves with the status code and body. */
export function apiRequest(
  kubeconfig: string,
  token: string,
  method: string,
  path: string,
  body?: object,
): Promise<{ status: number; body: string }> {
  const { server, ca } = apiServer(kubeconfig);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, server),
      { method, ca, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, timeout: 10_000 },
      (res) => {
        let data = '';
        res.on('data', (chunk: Buffer) => (data += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** Whether the token's identity may do the verb on the resource, in `namespace` or cluster-wide (a SelfSubjectAccessReview made with it). */
export async function tokenCan(
  kubeconfig: string,
  token: string,
  verb: string,
  group: string,
  resource: string,
  namespace?: string,
): Promise<boolean> {
  const review = await apiRequest(kubeconfig, token, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { verb, group, resource, ...(namespace ? { namespace } : {}) } },
  });
  if (review.status !== 201) throw new Error(`SelfSubjectAccessReview answered ${review.status}: ${review.body}`);
  return (JSON.parse(review.body) as { status: { allowed: boolean } }).status.allowed;
}

/** The decoded token of a service-account-token Secret. */
export async function secretToken(kubeconfig: string, namespace: string, name: string): Promise<string> {
  const encoded = await kubectl(kubeconfig, 'get', 'secret', '-n', namespace, name, '-o', 'jsonpath={.data.token}');
  return Buffer.from(encoded, 'base64').toString();
}

/** Every object of the kinds the bootstrap layer creates that still carries the platform's label. */
export async function labelledObjects(kubeconfig: string, platform: string): Promise<string[]> {
  const kinds = 'namespaces,customresourcedefinitions,clusterroles,clusterrolebindings,serviceaccounts,secrets,configmaps,deployments';
  const out = await kubectl(kubeconfig, 'get', kinds, '-A', '-l', `baton.dev/platform=${platform}`, '-o', 'name');
  return out.split('\n').filter(Boolean);
}

import { AuthenticationV1Api, AuthorizationV1Api, CoreV1Api, VersionApi } from '@kubernetes/client-node';
import type { PermissionRequirement, PreflightCheck, PreflightReport } from '../interfaces.js';
import { apiProblem, isUnreachable, withDeadline, type ApiProblem } from './apiErrors.js';
import type { ClusterClient } from './client.js';

/** What Baton itself does to a cluster: apply and delete CRDs, namespaces, RBAC and workloads, and watch them. */
export const defaultRequiredPermissions: PermissionRequirement[] = [
  ...['get', 'list', 'watch', 'create', 'patch', 'delete'].map((verb) => ({ verb, resource: 'namespaces' })),
  ...['get', 'list', 'watch', 'create', 'patch', 'delete'].map((verb) => ({
    verb,
    group: 'apiextensions.k8s.io',
    resource: 'customresourcedefinitions',
  })),
  ...['create', 'patch', 'delete'].map((verb) => ({ verb, group: 'rbac.authorization.k8s.io', resource: 'clusterroles' })),
  ...['create', 'patch', 'delete'].map((verb) => ({ verb, group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' })),
  ...['get', 'list', 'watch', 'create', 'patch', 'delete'].map((verb) => ({ verb, group: 'apps', resource: 'deployments' })),
];

const pass = (name: string, reason: string): PreflightCheck => ({ name, passed: true, reason });
const fail = (name: string, reason: string): PreflightCheck => ({ name, passed: false, reason });

function explain(problem: ApiProblem): string {
  return problem.status === undefined
    ? problem.message
    : `${problem.status}${problem.reason ? ` ${problem.reason}` : ''}: ${problem.message}`;
}

/** [major, minor, patch] of `v1.34.4`, `1.30`, `v1.31.0-rc.1+abc`; undefined when it is not a version. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

export function versionAtLeast(actual: [number, number, number], minimum: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) {
    if ((actual[i] ?? 0) !== (minimum[i] ?? 0)) return (actual[i] ?? 0) > (minimum[i] ?? 0);
  }
  return true;
}

function permissionName(requirement: PermissionRequirement): string {
  const resource = requirement.group ? `${requirement.resource}.${requirement.group}` : requirement.resource;
  return `permission ${requirement.verb} ${resource}${requirement.namespace ? ` in ${requirement.namespace}` : ''}`;
}

/**
 * Phase 0: every check with pass or fail and why. Nothing throws for a failed check: an unreachable API
 * is a failed 'api-reachable' check naming the address, and the checks that need the API say so.
 */
export async function preflight(
  client: ClusterClient,
  input: { minKubernetesVersion: string; permissions?: PermissionRequirement[] },
): Promise<PreflightReport> {
  const server = client.server;
  const timeout = client.requestTimeoutMs;
  const checks: PreflightCheck[] = [];
  const permissions = input.permissions ?? defaultRequiredPermissions;
  const dependents = ['authenticated', 'server-version', 'nodes-ready', ...permissions.map(permissionName)];

  let gitVersion: string | undefined;
  let versionProblem: ApiProblem | undefined;
  try {
    gitVersion = (await withDeadline(client.kubeConfig.makeApiClient(VersionApi).getCode(), timeout, `GET ${server}/version`)).gitVersion;
  } catch (err) {
    versionProblem = apiProblem(err);
  }
  if (versionProblem && isUnreachable(versionProblem)) {
    checks.push(fail('api-reachable', `cannot reach the API server at ${server}: ${versionProblem.message}`));
    checks.push(...dependents.map((name) => fail(name, `not checked: the API server at ${server} is unreachable`)));
    return { passed: false, checks };
  }
  checks.push(pass('api-reachable', `the API server at ${server} answered`));

  try {
    const review = await withDeadline(
      client.kubeConfig
        .makeApiClient(AuthenticationV1Api)
        .createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } }),
      timeout,
      'SelfSubjectReview',
    );
    const user = review.status?.userInfo;
    checks.push(
      pass(
        'authenticated',
        `authenticated as ${user?.username ?? 'an unnamed user'}${user?.groups?.length ? ` (groups ${user.groups.join(', ')})` : ''}`,
      ),
    );
  } catch (err) {
    const problem = apiProblem(err);
    checks.push(fail('authenticated', `the API server at ${server} rejected the credentials: ${explain(problem)}`));
    if (problem.status === 401) {
      checks.push(...dependents.slice(1).map((name) => fail(name, 'not checked: the credentials were rejected')));
      return { passed: false, checks };
    }
  }

  const minimum = parseVersion(input.minKubernetesVersion);
  const actual = gitVersion ? parseVersion(gitVersion) : undefined;
  if (!minimum) checks.push(fail('server-version', `the minimum version "${input.minKubernetesVersion}" is not a version`));
  else if (!actual)
    checks.push(
      fail('server-version', versionProblem ? `version unknown: ${explain(versionProblem)}` : `version "${gitVersion}" is not a version`),
    );
  else if (!versionAtLeast(actual, minimum))
    checks.push(fail('server-version', `${gitVersion} is older than the minimum ${input.minKubernetesVersion}`));
  else checks.push(pass('server-version', `${gitVersion} >= ${input.minKubernetesVersion}`));

  try {
    const nodes = (await withDeadline(client.kubeConfig.makeApiClient(CoreV1Api).listNode(), timeout, 'listing nodes')).items;
    const notReady = nodes.filter((node) => !node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    const runtimes = [...new Set(nodes.map((node) => node.status?.nodeInfo?.containerRuntimeVersion).filter(Boolean))];
    if (!nodes.length) checks.push(fail('nodes-ready', 'the cluster has no nodes'));
    else if (notReady.length)
      checks.push(fail('nodes-ready', `not Ready: ${notReady.map((node) => node.metadata?.name).join(', ')} (of ${nodes.length})`));
    else checks.push(pass('nodes-ready', `${nodes.length} nodes Ready (container runtime ${runtimes.join(', ') || 'unknown'})`));
  } catch (err) {
    checks.push(fail('nodes-ready', `cannot list nodes: ${explain(apiProblem(err))}`));
  }

  const authorization = client.kubeConfig.makeApiClient(AuthorizationV1Api);
  const reviews = await Promise.all(
    permissions.map(async (requirement) => {
      const name = permissionName(requirement);
      try {
        const review = await withDeadline(
          authorization.createSelfSubjectAccessReview({
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: {
                resourceAttributes: {
                  verb: requirement.verb,
                  group: requirement.group ?? '',
                  resource: requirement.resource,
                  namespace: requirement.namespace,
                },
              },
            },
          }),
          timeout,
          name,
        );
        const status = review.status;
        if (status?.allowed) return pass(name, status.reason ? `allowed: ${status.reason}` : 'allowed');
        return fail(
          name,
          `denied${status?.reason ? `: ${status.reason}` : ''}${status?.evaluationError ? ` (${status.evaluationError})` : ''}`,
        );
      } catch (err) {
        return fail(name, `cannot check: ${explain(apiProblem(err))}`);
      }
    }),
  );
  checks.push(...reviews);
  return { passed: checks.every((check) => check.passed), checks };
}

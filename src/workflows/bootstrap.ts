import { ApplicationFailure, getExternalWorkflowHandle, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AnsibleActivities, ArgoCdActivities, ClusterActivities, PlaybookSummary } from '../activities/interfaces.js';
import { inClusterName } from '../spec/schema.js';
import type { HandoffRequest } from './authority.js';
import { workerLossRetry, zoneActivityOptions } from './activityOptions.js';
import { authorityHandoffSignal } from './definitions.js';
import { failureTypes } from './failureTypes.js';
import type { Timeouts } from './input.js';

export interface BootstrapInput {
  platform: string;
  environment: string;
  /** The environment's cluster as Argo CD names it; absent (runs started before) the hub, in-cluster. */
  cluster?: string;
  mode: 'install' | 'teardown';
  features: Record<string, boolean>;
  /** The platform repository: the root Application's source. */
  source: { repoURL: string; targetRevision: string };
  /** Every repository the platform's stacks deploy from, for its AppProject; absent in runs recorded before stacks had sources of their own. */
  sourceRepos?: string[];
  taskQueuePrefix: string;
  timeouts: Timeouts;
}

/** The `baton.dev/part` of the hub's Argo CD install and what comes with it (ansible/group_vars/all.yml). */
const argoCdPart = 'argocd';

export interface BootstrapResult {
  playbooks: PlaybookSummary[];
  argoCdVersion?: string;
  credentialsRef?: string;
}

/**
 * Phase 1 (install): Ansible installs Argo CD and the automation credentials, Argo CD is
 * waited for, the bootstrap credentials are rotated, and only then is authority handed to
 * orchestration. Phase 4 (teardown): the teardown playbook removes what bootstrap made.
 */
export async function bootstrap(input: BootstrapInput): Promise<BootstrapResult> {
  const { taskQueuePrefix, timeouts } = input;
  const cluster = input.cluster ?? inClusterName;
  /** Activities take the cluster only for a spoke: an absent one is the hub, as in runs recorded before. */
  const onCluster = (name: string) => (name === inClusterName ? {} : { cluster: name });
  const ansible = proxyActivities<AnsibleActivities>(
    zoneActivityOptions(taskQueuePrefix, 'ansible', timeouts, timeouts.playbook, workerLossRetry),
  );
  const playbook = (name: 'bootstrap' | 'rotate-credentials' | 'teardown') =>
    ansible.runPlaybook.executeWithOptions({ summary: `playbook ${name} on ${cluster}` }, [
      {
        playbook: name,
        platform: input.platform,
        environment: input.environment,
        features: input.features,
        ...onCluster(cluster),
        source: input.source,
        sourceRepos: input.sourceRepos,
      },
    ]);

  const parent = workflowInfo().parent;
  if (!parent)
    throw ApplicationFailure.nonRetryable(
      'bootstrap runs as a child of platformLifecycle, which receives its handoff: start a platformLifecycle instead',
      failureTypes.noParentRun,
    );
  const handOff = (request: Omit<HandoffRequest, 'concern' | 'sender'>) =>
    getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(authorityHandoffSignal, {
      concern: 'platform',
      sender: workflowInfo().workflowId,
      ...request,
    });

  if (input.mode === 'teardown') {
    const removed = await playbook('teardown');
    const clusterZone = proxyActivities<ClusterActivities>(
      zoneActivityOptions(taskQueuePrefix, 'cluster', timeouts, timeouts.orphanCheck, workerLossRetry),
    );
    // The hub's Argo CD install stays when another environment uses it; a spoke's environment also left
    // objects in the hub (its registration, AppProject, root Application), which must be gone too.
    const except = removed.keptArgoCd ? { exceptPart: argoCdPart } : {};
    const orphans = await clusterZone.findOrphans.executeWithOptions({ summary: `find objects left on ${cluster}` }, [
      { platform: input.platform, environment: input.environment, ...onCluster(cluster), ...except },
    ]);
    if (cluster !== inClusterName)
      orphans.push(
        ...(await clusterZone.findOrphans.executeWithOptions({ summary: `find objects left on ${inClusterName}` }, [
          { platform: input.platform, environment: input.environment },
        ])),
      );
    if (orphans.length > 0) {
      const listed = orphans.map((o) => `  - ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`).join('\n');
      throw ApplicationFailure.nonRetryable(
        `teardown left ${orphans.length} object(s) labelled for this platform:\n${listed}`,
        failureTypes.orphansFound,
      );
    }
    await handOff({ from: 'bootstrap', to: 'external', reason: 'teardown playbook done and no orphaned objects remain' });
    return { playbooks: [removed] };
  }

  const installed = await playbook('bootstrap');
  const argocd = proxyActivities<ArgoCdActivities>(
    zoneActivityOptions(taskQueuePrefix, 'argocd', timeouts, timeouts.argoCdOperational, { maximumAttempts: 3 }),
  );
  const { version } = await argocd.awaitArgoCdOperational.executeWithOptions({ summary: 'wait for Argo CD to be operational' }, [
    { credentialsRef: installed.credentialsRef },
  ]);
  const rotated = await playbook('rotate-credentials');
  const credentialsRef = rotated.credentialsRef ?? installed.credentialsRef;

  await handOff({
    from: 'bootstrap',
    to: 'orchestration',
    reason: `Argo CD ${version} is operational and the bootstrap credentials are rotated`,
    ...(credentialsRef ? { credentialsRef } : {}),
  });
  return { playbooks: [installed, rotated], argoCdVersion: version, ...(credentialsRef ? { credentialsRef } : {}) };
}

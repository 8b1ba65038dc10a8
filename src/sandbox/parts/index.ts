/**
 * The sandbox's parts, one declaration each: executable, arguments, environment, ports, what to
 * prepare before it starts, how to tell it is ready, and the Argo CD modes it runs in. It may depend
 * on the sandbox's configuration, layout, certificates and probes; a part must never spawn a process
 * itself: src/sandbox/lifecycle.ts (or, in the bootstrap mode, the Argo CD supervisor) starts the parts
 * in this list's order and stops them in reverse.
 */
import { argocdApplicationController } from './argocdApplicationController.js';
import { argocdRepoServer } from './argocdRepoServer.js';
import { argocdServer } from './argocdServer.js';
import { argocdSupervisor } from './argocdSupervisor.js';
import { etcd } from './etcd.js';
import { kubeApiserver } from './kubeApiserver.js';
import { kubeControllerManager } from './kubeControllerManager.js';
import { kubeScheduler } from './kubeScheduler.js';
import { kwok } from './kwok.js';
import type { PartName, SandboxPart } from './part.js';
import { redis } from './redis.js';
import { registry } from './registry.js';
import { rolloutsController } from './rolloutsController.js';
import { rolloutsSupervisor } from './rolloutsSupervisor.js';
import { temporal } from './temporal.js';

export { startedBy } from './part.js';
export type { PartContext, PartName, PartStarter, SandboxPart } from './part.js';

/** Every part, dependencies before dependents (the order `down` reverses). */
export const sandboxParts: SandboxPart[] = [
  temporal,
  etcd,
  kubeApiserver,
  kubeControllerManager,
  kubeScheduler,
  kwok,
  redis,
  registry,
  argocdRepoServer,
  argocdApplicationController,
  argocdServer,
  argocdSupervisor,
  rolloutsController,
  rolloutsSupervisor,
];

/**
 * The parts of one cluster: every cluster of the sandbox runs its own (the hub's are in sandboxParts too). The
 * control plane, and the Argo Rollouts controller, which the hub's rollouts-supervisor starts.
 */
export const clusterParts: SandboxPart[] = [etcd, kubeApiserver, kubeControllerManager, kubeScheduler, kwok, rolloutsController];

export function partNamed(name: string): SandboxPart | undefined {
  return sandboxParts.find((part) => part.name === name);
}

export const partNames: PartName[] = sandboxParts.map((part) => part.name);

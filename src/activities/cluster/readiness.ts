/**
 * When an object counts as ready, by kind. Pure functions of the object as the API returns it
 * (plain JSON from a watch), so they can be read and tested on their own.
 */
export type Readiness = { state: 'ready' | 'waiting' | 'failed'; reason: string };

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

export interface ObservedObject {
  metadata?: { generation?: number };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number };
}

const ready = (reason: string): Readiness => ({ state: 'ready', reason });
const waiting = (reason: string): Readiness => ({ state: 'waiting', reason });
const failed = (reason: string): Readiness => ({ state: 'failed', reason });

function condition(object: ObservedObject, type: string): Condition | undefined {
  return object.status?.conditions?.find((c) => c.type === type);
}

function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** The controller has seen the latest spec; status fields are stale until then. */
function observed(object: ObservedObject): boolean {
  const generation = object.metadata?.generation;
  return generation === undefined || count(object.status?.observedGeneration) >= generation;
}

function deployment(object: ObservedObject): Readiness {
  const progressing = condition(object, 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return failed(`rollout stuck: ${progressing.message ?? progressing.reason}`);
  }
  if (!observed(object)) return waiting('the controller has not seen the latest spec');
  const wanted = typeof object.spec?.replicas === 'number' ? object.spec.replicas : 1;
  const { updatedReplicas, availableReplicas, replicas } = object.status ?? {};
  if (count(updatedReplicas) < wanted) return waiting(`${count(updatedReplicas)}/${wanted} updated`);
  if (count(replicas) > count(updatedReplicas))
    return waiting(`${count(replicas) - count(updatedReplicas)} old replicas pending termination`);
  if (count(availableReplicas) < wanted) return waiting(`${count(availableReplicas)}/${wanted} available`);
  return ready(`${wanted}/${wanted} available`);
}

function statefulSet(object: ObservedObject): Readiness {
  if (!observed(object)) return waiting('the controller has not seen the latest spec');
  const wanted = typeof object.spec?.replicas === 'number' ? object.spec.replicas : 1;
  const { readyReplicas, updatedReplicas, currentRevision, updateRevision } = object.status ?? {};
  if (count(readyReplicas) < wanted) return waiting(`${count(readyReplicas)}/${wanted} ready`);
  const strategy = (object.spec?.updateStrategy as { type?: string } | undefined)?.type ?? 'RollingUpdate';
  if (strategy === 'RollingUpdate' && (count(updatedReplicas) < wanted || (updateRevision && currentRevision !== updateRevision))) {
    return waiting(`${count(updatedReplicas)}/${wanted} updated`);
  }
  return ready(`${wanted}/${wanted} ready`);
}

function daemonSet(object: ObservedObject): Readiness {
  if (!observed(object)) return waiting('the controller has not seen the latest spec');
  const { desiredNumberScheduled, numberReady, updatedNumberScheduled } = object.status ?? {};
  const wanted = count(desiredNumberScheduled);
  if (count(updatedNumberScheduled) < wanted) return waiting(`${count(updatedNumberScheduled)}/${wanted} updated`);
  if (count(numberReady) < wanted) return waiting(`${count(numberReady)}/${wanted} ready`);
  return ready(`${wanted}/${wanted} ready`);
}

function job(object: ObservedObject): Readiness {
  const failure = condition(object, 'Failed');
  if (failure?.status === 'True') return failed(`job failed: ${failure.message ?? failure.reason ?? 'no message'}`);
  if (condition(object, 'Complete')?.status === 'True') return ready('complete');
  return waiting(`${count(object.status?.succeeded)} succeeded, ${count(object.status?.active)} active`);
}

function customResourceDefinition(object: ObservedObject): Readiness {
  const names = condition(object, 'NamesAccepted');
  if (names?.status === 'False') return failed(`names not accepted: ${names.message ?? names.reason ?? ''}`);
  return condition(object, 'Established')?.status === 'True' ? ready('established') : waiting('not established yet');
}

function namespace(object: ObservedObject): Readiness {
  const phase = object.status?.phase;
  return phase === 'Active' ? ready('active') : waiting(`phase ${String(phase ?? 'unknown')}`);
}

function service(object: ObservedObject): Readiness {
  if (object.spec?.type !== 'LoadBalancer') return ready('exists');
  const ingress = (object.status?.loadBalancer as { ingress?: unknown[] } | undefined)?.ingress ?? [];
  return ingress.length ? ready('load balancer assigned') : waiting('no load balancer address yet');
}

const rules: Record<string, (object: ObservedObject) => Readiness> = {
  Deployment: deployment,
  StatefulSet: statefulSet,
  DaemonSet: daemonSet,
  Job: job,
  CustomResourceDefinition: customResourceDefinition,
  Namespace: namespace,
  Service: service,
};

/** Kinds without a rule are ready once they exist. */
export function readinessOf(kind: string, object: ObservedObject): Readiness {
  const rule = rules[kind];
  return rule ? rule(object) : ready('exists');
}

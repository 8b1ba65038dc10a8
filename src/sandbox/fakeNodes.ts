import { ApiException, CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';

/** kwok manages nodes that carry this annotation; pods scheduled there become Ready without a kubelet. */
const fakeNodeAnnotation = 'kwok.x-k8s.io/node';

export function fakeNodeName(index: number): string {
  return `kwok-node-${index}`;
}

/**
 * What each fake node offers. kwok runs no pod, so the limit is only the scheduler's: room for the bench's largest
 * platform (1,000 stacks of two replicas) with the pods of the side before it still terminating, on the default 3 nodes.
 */
const fakeNodeResources = { cpu: '1000', memory: '4Ti', pods: '2000' };

function fakeNode(name: string): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [fakeNodeAnnotation]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
    // No NoSchedule taint: ordinary workloads must land here.
    spec: {},
    status: { allocatable: fakeNodeResources, capacity: fakeNodeResources },
  };
}

function coreApi(kubeconfig: string): CoreV1Api {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  return config.makeApiClient(CoreV1Api);
}

/** Creates the nodes that do not exist yet, and gives a node of an earlier sandbox the resources of a new one. */
export async function ensureFakeNodes(kubeconfig: string, count: number): Promise<void> {
  const api = coreApi(kubeconfig);
  for (let index = 0; index < count; index++) {
    const name = fakeNodeName(index);
    try {
      await api.createNode({ body: fakeNode(name) });
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 409)) throw err;
      const node = await api.readNodeStatus({ name });
      if (node.status?.capacity?.pods === fakeNodeResources.pods) continue;
      node.status = { ...node.status, allocatable: fakeNodeResources, capacity: fakeNodeResources };
      await api.replaceNodeStatus({ name, body: node });
    }
  }
}

/** Rejects while any of the nodes is missing or not Ready, naming them. */
export async function expectFakeNodesReady(kubeconfig: string, count: number): Promise<void> {
  const nodes = await coreApi(kubeconfig).listNode();
  const ready = new Set(
    nodes.items
      .filter((node) => node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True'))
      .map((node) => node.metadata?.name),
  );
  const waiting = Array.from({ length: count }, (_, index) => fakeNodeName(index)).filter((name) => !ready.has(name));
  if (waiting.length) throw new Error(`nodes not Ready: ${waiting.join(', ')}`);
}

import { expectOk } from '../probe.js';
import type { SandboxPart } from './part.js';

/** The namespace the controller believes it runs in: where it would hold its lease and read its notification settings. */
export const rolloutsNamespace = 'argo-rollouts';

/**
 * The Argo Rollouts controller of one cluster, out of cluster with the administrator's kubeconfig. The Argo
 * Rollouts supervisor runs it while the cluster holds the Argo Rollouts CRDs (bootstrap installs them). It
 * listens on every interface (it has no bind-address flag), so its two ports come from the port table and
 * are probed on the loopback address.
 */
export const rolloutsController: SandboxPart = {
  name: 'rollouts-controller',
  binary: 'rollouts-controller',
  install: 'build it with `bash scripts/build-tools.sh rollouts`',
  after: ['kube-apiserver'],
  supervisor: 'rollouts-supervisor',
  ports: (config) => [config.ports.rolloutsHealthz, config.ports.rolloutsMetrics],
  listensBeyondLoopback:
    'Argo Rollouts v1.10 has no flag to bind its health and metrics ports; nothing in the sandbox calls them but its probe on 127.0.0.1',
  endpoint: (config) => `http://${config.host}:${config.ports.rolloutsHealthz}/healthz`,
  args: ({ config, layout }) => [
    `--kubeconfig=${layout.kubeconfig}`,
    // One controller per cluster: nothing to elect, and no lease to wait for after a restart.
    '--leader-elect=false',
    `--healthzPort=${config.ports.rolloutsHealthz}`,
    `--metricsPort=${config.ports.rolloutsMetrics}`,
  ],
  env: () => ({ ...process.env, POD_NAMESPACE: rolloutsNamespace }),
  ready: async ({ config }) => {
    await expectOk(`http://${config.host}:${config.ports.rolloutsHealthz}/healthz`);
  },
};

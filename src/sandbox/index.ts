/**
 * The sandbox: every real part a run needs (Temporal, etcd, the Kubernetes control plane, kwok,
 * redis, Argo CD, the platform's Git repository) started, checked and stopped as local processes
 * under .baton/sandbox. It may depend on Node, @kubernetes/client-node and yaml; only the CLI and the
 * tests use it, and workflows, activities and workers must never import it: they reach the sandbox
 * through the same settings as any real cluster. See docs/architecture.md#source-layout.
 */
export {
  argoCdModes,
  parseClusters,
  withClusters,
  sandboxConfig,
  sandboxVariables,
  shiftedPorts,
  type ArgoCdMode,
  type SandboxConfig,
  type SandboxPorts,
} from './config.js';
export { clusterPartName, sandboxClusterLayout, sandboxClusters, type SandboxCluster } from './clusters.js';
export { superviseArgoCd } from './superviseArgoCd.js';
export { superviseRollouts } from './superviseRollouts.js';
export { sandboxUp, sandboxDown, sandboxWipeCluster, sandboxCommands, SandboxError, type Progress, type StoppedPart } from './lifecycle.js';
export { pushChart, type ChartReference } from './chartRegistry.js';
export { commitFiles, headRevision, repoUrl, type FileChange } from './gitRepo.js';
export { argoCdUrl, argoCdRelease, type ArgoCdRelease } from './argocd.js';
export { runningTemporal, sandboxStatus, type ClusterStatus, type PartStatus, type SandboxStatus } from './status.js';
export { partNames, partNamed, type PartName } from './parts/index.js';
export { sandboxLayout, type SandboxLayout } from './layout.js';
export { logFilePath, processesMentioning } from './processes.js';
export { sandboxListeners, unexpectedListeners, type PartListeners } from './listeners.js';
export { lastArgoCdMode } from './record.js';

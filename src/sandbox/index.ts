export { argoCdModes, sandboxConfig, sandboxVariables, shiftedPorts, type ArgoCdMode, type SandboxConfig, type SandboxPorts } from './config.js';
export { superviseArgoCd } from './superviseArgoCd.js';
export { sandboxUp, sandboxDown, sandboxWipeCluster, sandboxCommands, SandboxError, type Progress, type StoppedPart } from './lifecycle.js';
export { commitFiles, headRevision, repoUrl, type FileChange } from './gitRepo.js';
export { argoCdUrl, argoCdRelease, type ArgoCdRelease } from './argocd.js';
export { sandboxStatus, type PartStatus, type SandboxStatus } from './status.js';
export { partNames, partNamed, type PartName } from './parts/index.js';
export { sandboxLayout, type SandboxLayout } from './layout.js';
export { logFilePath, processesMentioning } from './processes.js';

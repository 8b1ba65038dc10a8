/**
 * Every failure type Baton raises (the `type` of an ApplicationFailure), in one place: activities
 * throw them, workflows and the report read them, tests assert them. A type names what went wrong;
 * the message says what to fix.
 */
export const failureTypes = {
  // The run's own input
  invalidInput: 'InvalidInput',
  invalidPlatformSpec: 'InvalidPlatformSpec',
  // An operator's request (resume, abort, teardown) the run cannot take now
  requestRefused: 'RequestRefused',
  // Phase 0
  preflightFailed: 'PreflightFailed',
  // The authority ledger: a handoff the lifecycle itself must make was refused, or a child ended without making its own
  handoffRefused: 'HandoffRefused',
  handoffMissing: 'HandoffMissing',
  // A child workflow started on its own, without the platformLifecycle that receives its handoffs
  noParentRun: 'NoParentRun',
  // The ansible zone
  playbookFailed: 'PlaybookFailed',
  playbookError: 'PlaybookError',
  // The cluster and ansible zones: a cluster the worker was not given
  unknownCluster: 'UnknownCluster',
  // The cluster zone
  invalidManifest: 'InvalidManifest',
  manifestRejected: 'ManifestRejected',
  unknownKind: 'UnknownKind',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  applyConflict: 'ApplyConflict',
  clusterUnavailable: 'ClusterUnavailable',
  degraded: 'Degraded',
  notReady: 'NotReady',
  deleteRejected: 'DeleteRejected',
  deleteTimeout: 'DeleteTimeout',
  orphansFound: 'OrphansFound',
  // The argocd zone
  argoCdUnauthenticated: 'ArgoCdUnauthenticated',
  argoCdPermissionDenied: 'ArgoCdPermissionDenied',
  argoCdInvalidRequest: 'ArgoCdInvalidRequest',
  argoCdApiError: 'ArgoCdApiError',
  argoCdUnreachable: 'ArgoCdUnreachable',
  argoCdApplicationMissing: 'ArgoCdApplicationMissing',
  applicationFailed: 'ApplicationFailed',
  applicationNotHealthy: 'ApplicationNotHealthy',
  sourceUnreachable: 'SourceUnreachable',
  // Promotions: a request or gate the promotion cannot pass, an approver's no, a window that closed, a failed check
  promotionRefused: 'PromotionRefused',
  promotionRejected: 'PromotionRejected',
  approvalExpired: 'ApprovalExpired',
  verificationFailed: 'VerificationFailed',
  rolloutAborted: 'RolloutAborted',
} as const;

export type FailureType = (typeof failureTypes)[keyof typeof failureTypes];

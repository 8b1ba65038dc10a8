/**
 * The names of Baton's search attributes, all keywords. Plain strings, so the sandbox can register them on the
 * server without loading the Temporal SDK; searchAttributes.ts gives the typed keys.
 */
export const searchAttributeNames = {
  platform: 'BatonPlatform',
  environment: 'BatonEnvironment',
  phase: 'BatonPhase',
  authority: 'BatonAuthority',
  /** A promotion's freight id. */
  freight: 'BatonFreight',
  /** A promotion's state (waiting-approval, promoting, ...); its environment is the target. */
  promotionState: 'BatonPromotionState',
} as const;

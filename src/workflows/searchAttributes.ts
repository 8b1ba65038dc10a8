import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { searchAttributeNames } from './searchAttributeNames.js';

/** Registered on the server (the sandbox does it) so runs can be found with `temporal workflow list --query`. */
export const platformAttribute = defineSearchAttributeKey(searchAttributeNames.platform, SearchAttributeType.KEYWORD);
export const environmentAttribute = defineSearchAttributeKey(searchAttributeNames.environment, SearchAttributeType.KEYWORD);
export const phaseAttribute = defineSearchAttributeKey(searchAttributeNames.phase, SearchAttributeType.KEYWORD);
export const authorityAttribute = defineSearchAttributeKey(searchAttributeNames.authority, SearchAttributeType.KEYWORD);
export const freightAttribute = defineSearchAttributeKey(searchAttributeNames.freight, SearchAttributeType.KEYWORD);
export const promotionStateAttribute = defineSearchAttributeKey(searchAttributeNames.promotionState, SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [
  platformAttribute,
  environmentAttribute,
  phaseAttribute,
  authorityAttribute,
  freightAttribute,
  promotionStateAttribute,
];

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Registered on the server (the sandbox does it) so runs can be found with `temporal workflow list --query`. */
export const platformAttribute = defineSearchAttributeKey('BatonPlatform', SearchAttributeType.KEYWORD);
export const environmentAttribute = defineSearchAttributeKey('BatonEnvironment', SearchAttributeType.KEYWORD);
export const phaseAttribute = defineSearchAttributeKey('BatonPhase', SearchAttributeType.KEYWORD);
export const authorityAttribute = defineSearchAttributeKey('BatonAuthority', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [platformAttribute, environmentAttribute, phaseAttribute, authorityAttribute];

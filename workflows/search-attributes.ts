import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes operators filter journeys by in the Temporal UI, e.g.
 * `CareLevel = "iop" AND RiskLevel = "high"`. They are stored unencrypted, so they carry
 * identifiers and codes only — never a clinical detail beyond the level of care.
 */
export const CareLevel = defineSearchAttributeKey('CareLevel', SearchAttributeType.KEYWORD);
export const ProgramId = defineSearchAttributeKey('ProgramId', SearchAttributeType.KEYWORD);
export const EpisodeStatus = defineSearchAttributeKey('EpisodeStatus', SearchAttributeType.KEYWORD);
export const RiskLevel = defineSearchAttributeKey('RiskLevel', SearchAttributeType.KEYWORD);
export const ClientId = defineSearchAttributeKey('ClientId', SearchAttributeType.KEYWORD);
export const LevelSince = defineSearchAttributeKey('LevelSince', SearchAttributeType.DATETIME);

export const carepathSearchAttributes = [
  CareLevel,
  ProgramId,
  EpisodeStatus,
  RiskLevel,
  ClientId,
  LevelSince,
];

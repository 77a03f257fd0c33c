export { admit, checkAdmission } from './admission';
export { applyCommand, validateCommand } from './apply-command';
export { applyEvent, startsNewEpisode } from './apply-event';
export { checkImport, importedEpisodeId, importEpisode } from './import';
export type { Decision } from './draft';
export * from './errors';
export { oneLevelUp } from './ladder';
export { onTimer } from './on-timer';
export { allowedTargets } from './transitions';

export { admit, checkAdmission, checkBackdate } from './admission';
export { applyCommand, validateCommand } from './apply-command';
export { applyEvent, startsNewEpisode, validateEvent, type EventRules } from './apply-event';
export type { Decision } from './draft';
export * from './errors';
export { oneLevelUp } from './ladder';
export { onTimer } from './on-timer';
export { allowedTargets } from './transitions';
export { weeksView } from './weeks-view';

export { episodeWorkflow } from './episode';
export { outboxWorkflow } from './outbox';

export { episodeWorkflow } from './episode';

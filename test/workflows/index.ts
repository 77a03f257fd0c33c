// The workflow bundle used by the whole test run: carepath's workflows plus test-only probes.
export * from '../../workflows';
export * from './stack-probes';

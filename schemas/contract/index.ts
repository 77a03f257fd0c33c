export * from './dead-letters';
export * from './envelope';
export * from './inbound-events';
export * from './outbound-events';
export * from './topics';

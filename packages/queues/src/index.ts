export * from './definitions.js';
export * from './events.js';
export * from './connection.js';
export * from './typed-queues.js';
export { UnrecoverableError } from 'bullmq';
export * from './source-schedules.js';
export * from './event-payloads.js';
export * from './publish-event.js';

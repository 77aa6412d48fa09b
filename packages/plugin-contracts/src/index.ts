export * from './common.js';
export * from './parser.js';
export * from './checker.js';
export * from './notifier.js';

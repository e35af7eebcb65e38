export * from './insight.js';
export * from './levels.js';
export * from './protocol.js';
export * from './record.js';

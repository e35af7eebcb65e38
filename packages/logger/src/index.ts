export type { Checkpoint, CheckpointStatus, LevelName, LogRecord, SessionInfo } from '@pulselog/shared';
export { LEVEL_NAMES, LEVELS } from '@pulselog/shared';
export type { LoggerOptions, OverflowPolicy, ResolvedConfig } from './config.js';
export { resolveConfig } from './config.js';
export { PulselogError, QueueFullError } from './errors.js';
export type { CheckpointMeta, ContextSpec, Fields, LoggerSetup, LoggerStats, QueueStats } from './logger.js';
export { Logger } from './logger.js';
export type { Batch, Sink } from './sinks/sink.js';

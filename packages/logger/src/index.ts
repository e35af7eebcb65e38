/**
 * `@pulselog/logger`: the logger, its errors, and the types of its records,
 * options, stats and outputs. Nothing internal is exported.
 */
export type {
  Checkpoint,
  CheckpointStatus,
  LevelName,
  LogRecord,
  OutputStatus,
  SerializedError,
  SessionInfo,
} from '@pulselog/shared';
export { LEVEL_NAMES, LEVELS } from '@pulselog/shared';
export type { LoggerOptions, OverflowPolicy } from './config.js';
export type { PulselogErrorCode } from './errors.js';
export { PulselogError, QueueFullError } from './errors.js';
export type {
  CheckpointMeta,
  ContextSpec,
  Fields,
  FieldsOrMessage,
  LoggerSetup,
  LoggerStats,
  QueueStats,
} from './logger.js';
export { Logger } from './logger.js';
export type { Output, OutputBatch, OutputFactory, OutputSpec, OutputStats } from './pipeline/output.js';

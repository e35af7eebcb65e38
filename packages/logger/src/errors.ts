/** Codes carried by every error pulselog throws. */
export type PulselogErrorCode =
  | 'PULSELOG_ERR_CONFIG'
  | 'PULSELOG_ERR_QUEUE_FULL'
  | 'PULSELOG_ERR_CHECKPOINT'
  | 'PULSELOG_ERR_PORT_IN_USE'
  | 'PULSELOG_ERR_SHUTDOWN';

/**
 * The one error class pulselog throws, always at setup or when misused, with
 * a stable `code` to branch on and a message that says what to do.
 */
export class PulselogError extends Error {
  /** Stable machine-readable code. */
  readonly code: PulselogErrorCode;

  constructor(code: PulselogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PulselogError';
    this.code = code;
  }
}

/** Thrown by a log call only with `overflow: 'raise'`, when the context's queue is full. */
export class QueueFullError extends PulselogError {
  constructor(capacity: number) {
    super(
      'PULSELOG_ERR_QUEUE_FULL',
      `pulselog queue is full (${capacity} records) and overflow is 'raise'; use overflow 'drop' or 'block', or raise queueSize`,
    );
    this.name = 'QueueFullError';
  }
}

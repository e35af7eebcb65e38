/**
 * The argument forms a level call takes besides `(msg, fields)`, read the
 * way pino reads them, so that pino's habits work unchanged:
 *
 * - `log.info({ user_id }, 'msg')`: an object first is the fields, the
 *   message comes second (or is empty);
 * - `log.error(err)`, `log.error(err, 'msg')`: an `Error` first is the error,
 *   with its message as the record's when none is given;
 * - `log.error({ err, user_id }, 'msg')`: an `Error` under `err` is the error,
 *   the other keys the fields;
 * - `log.error('msg', err)`: an `Error` where the fields go is the error.
 *
 * Only calls that are not `(string, fields)` come here: the usual form pays
 * one check and no more.
 */

/** A level call's arguments, read: what the encoder takes. */
export interface CallArgs {
  msg: unknown;
  fields: unknown;
  err: unknown;
}

/**
 * True for the values taken as errors: `Error` and its subclasses. Never
 * throws (a revoked Proxy is no error). Every `(msg, fields)` call asks this
 * of its fields: `undefined` and other values that are no object answer
 * before the `try`.
 */
export function isError(value: unknown): value is Error {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** The message of an error, for a call that gave none; never throws. */
function messageOf(err: Error): string {
  try {
    const message = err.message;
    return typeof message === 'string' ? message : '';
  } catch {
    return '';
  }
}

/**
 * Reads a level call's two arguments (`first`, `second`) as message, fields
 * and error. Arrays, numbers and other values first stay the message, as
 * before; a plain or class object first is the fields. Never throws: a
 * getter that throws on `err` leaves the object whole as the fields, and an
 * object that cannot be looked at (a revoked Proxy) stays the message.
 */
export function readCallArgs(first: unknown, second: unknown): CallArgs {
  try {
    return read(first, second);
  } catch {
    return { msg: first, fields: second, err: undefined };
  }
}

function read(first: unknown, second: unknown): CallArgs {
  if (typeof first === 'string') {
    return isError(second)
      ? { msg: first, fields: undefined, err: second }
      : { msg: first, fields: second, err: undefined };
  }
  if (isError(first)) {
    return { msg: typeof second === 'string' ? second : messageOf(first), fields: undefined, err: first };
  }
  if (typeof first !== 'object' || first === null || Array.isArray(first)) {
    return { msg: first, fields: second, err: undefined };
  }
  const msg = typeof second === 'string' ? second : undefined;
  let err: unknown;
  try {
    err = (first as { err?: unknown }).err;
  } catch {
    err = undefined;
  }
  if (!isError(err)) return { msg: msg ?? '', fields: first, err: undefined };
  const { err: _taken, ...rest } = first as Record<string, unknown>;
  return {
    msg: msg ?? messageOf(err),
    fields: Object.keys(rest).length > 0 ? rest : undefined,
    err,
  };
}

/**
 * JSON text of values read from JSON (an imported file, a record line), at
 * any depth. A record an import accepted must still be written to storage,
 * exported and shown. Chromium's `JSON.stringify` writes a value nested ten
 * million deep; Firefox's (InternalError) and Node's (RangeError) recurse and
 * run out of stack a few thousand levels down, and the dashboard opens in
 * whatever browser the user has.
 */

/** One object or array being written: its keys (objects only), the next entry and whether one was written. */
interface Frame {
  value: Record<string, unknown> | unknown[];
  keys: string[] | undefined;
  next: number;
  wrote: boolean;
}

/** What `JSON.stringify` leaves out of an object and writes as `null` in an array. */
const skipped = (value: unknown) => value === undefined || typeof value === 'function' || typeof value === 'symbol';

/**
 * `JSON.stringify(value)`, which also writes values nested deeper than the
 * stack allows, without `toJSON` and replacer (values read from JSON have
 * neither).
 */
export function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    const outOfStack = error instanceof RangeError || (error instanceof Error && error.name === 'InternalError');
    if (!outOfStack || value === null || typeof value !== 'object') throw error;
    return deepJsonText(value);
  }
}

/** The JSON text of `root`, object by object on a stack of its own instead of the call stack. */
function deepJsonText(root: object): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = (value: unknown): void => {
    if (value === null || typeof value !== 'object') {
      out.push(JSON.stringify(value) ?? 'null');
    } else if (Array.isArray(value)) {
      out.push('[');
      stack.push({ value, keys: undefined, next: 0, wrote: false });
    } else {
      out.push('{');
      stack.push({ value: value as Record<string, unknown>, keys: Object.keys(value), next: 0, wrote: false });
    }
  };
  open(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.keys === undefined) {
      const items = frame.value as unknown[];
      if (frame.next >= items.length) {
        out.push(']');
        stack.pop();
        continue;
      }
      if (frame.next > 0) out.push(',');
      const item = items[frame.next++];
      open(skipped(item) ? null : item);
      continue;
    }
    const object = frame.value as Record<string, unknown>;
    const keys = frame.keys;
    while (frame.next < keys.length && skipped(object[keys[frame.next] as string])) frame.next++;
    if (frame.next >= keys.length) {
      out.push('}');
      stack.pop();
      continue;
    }
    const key = keys[frame.next++] as string;
    out.push(frame.wrote ? ',' : '', JSON.stringify(key), ':');
    frame.wrote = true;
    open(object[key]);
  }
  return out.join('');
}

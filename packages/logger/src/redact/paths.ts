/**
 * Redaction paths, parsed and compiled into one tree. A path names where a
 * secret sits in a value: `password` (a key of the value itself),
 * `headers.authorization`, `*.secret` (`*` is any one key or array index),
 * `**.token` (`**` is any number of levels, none included). Keys with dots
 * or brackets are quoted: `headers["x.api-key"]`; `items[0]` and `items[*]`
 * name array elements.
 */

/** A node of the compiled tree: what may follow the path so far. */
export interface PathNode {
  /** Nodes after a literal key. */
  readonly keys: Map<string, PathNode>;
  /** The node after `*`. */
  any: PathNode | undefined;
  /** The node after `**`: active at this level and every level below. */
  deep: PathNode | undefined;
  /** True when a path ends here: the value at this point is redacted. */
  end: boolean;
  /** True for the node after a `**`: once reached, it stays active at every level below. */
  carried: boolean;
}

function node(): PathNode {
  return { keys: new Map(), any: undefined, deep: undefined, end: false, carried: false };
}

/** One segment of a path: a key, `*` or `**`. */
export type Segment = { key: string } | '*' | '**';

const SEGMENT = /\[\s*("(?:[^"\\]|\\.)*"|'[^']*'|\*|\d+)\s*\]|([^.[\]]+)|(\.)/y;

/**
 * Splits a path into segments, or throws an `Error` saying what is wrong
 * with it (the caller names the setting it came from).
 */
export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  const source = path.trim();
  if (source === '') throw new Error('a redaction path is empty');
  SEGMENT.lastIndex = 0;
  let expectKey = true;
  while (SEGMENT.lastIndex < source.length) {
    const at = SEGMENT.lastIndex;
    const match = SEGMENT.exec(source);
    if (match === null) throw new Error(`cannot read redaction path ${JSON.stringify(path)} at character ${at + 1}`);
    const [, bracket, bare, dot] = match;
    if (dot !== undefined) {
      if (expectKey) throw new Error(`redaction path ${JSON.stringify(path)} has an empty key`);
      expectKey = true;
      continue;
    }
    if (bare !== undefined && !expectKey) {
      throw new Error(`redaction path ${JSON.stringify(path)} needs a dot before ${JSON.stringify(bare)}`);
    }
    expectKey = false;
    if (bare !== undefined) segments.push(bare === '*' || bare === '**' ? bare : { key: bare });
    else if (bracket === '*') segments.push('*');
    else if (bracket?.startsWith('"')) segments.push({ key: JSON.parse(bracket) as string });
    else if (bracket?.startsWith("'")) segments.push({ key: bracket.slice(1, -1) });
    else segments.push({ key: bracket as string });
  }
  if (expectKey) throw new Error(`redaction path ${JSON.stringify(path)} ends with a dot`);
  return segments;
}

/** Compiles paths into one tree whose root stands for the value itself. Throws on a malformed path. */
export function compilePaths(paths: readonly string[]): PathNode {
  const root = node();
  for (const path of paths) {
    let at = root;
    for (const segment of parsePath(path)) {
      if (segment === '*') at = at.any ??= node();
      else if (segment === '**') {
        at.deep ??= { ...node(), carried: true };
        at = at.deep;
      } else {
        let next = at.keys.get(segment.key);
        if (next === undefined) {
          next = node();
          at.keys.set(segment.key, next);
        }
        at = next;
      }
    }
    at.end = true;
  }
  return root;
}

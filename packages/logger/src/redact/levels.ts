import type { PathNode } from './paths.js';

/** Positions of an object's keys whose levels are remembered. */
const MAX_SHAPE = 32;

/**
 * The path tree turned into levels, one per set of tree nodes a walk can be
 * at (a small automaton, built once): what a key leads to is one map lookup,
 * with no set built per key or per call.
 */
export class Level {
  /** Levels after the keys the paths name literally. */
  readonly byKey = new Map<string, Level>();
  /** The level after any other key. */
  other: Level = this;
  /** True when a path ends here: the value at this level is redacted whole. */
  readonly end: boolean;
  /** True when nothing at or below this level can be redacted by path. */
  readonly dead: boolean;
  /** Level of array elements (they stand where the array does, and a level down by index), keys of `byKey` that are indices aside. */
  elements: Level = this;
  /** True when a literal key is an array index (`rows.1`): elements are then looked up by index. */
  indexed = false;
  /**
   * The keys of the last object seen at this level, by position, and the
   * levels they led to: log calls at one site pass objects of one shape, so
   * a key costs a comparison rather than a lookup.
   */
  readonly shapeKeys: string[] = [];
  readonly shapeNext: Level[] = [];

  constructor(
    readonly nodes: readonly PathNode[],
    private readonly levels: LevelCache,
  ) {
    this.end = nodes.some((n) => n.end);
    this.dead = nodes.length === 0;
  }

  /** Fills in the transitions; separate from the constructor so that cycles of levels resolve through the cache. */
  link(): void {
    const keys = new Set<string>();
    for (const n of this.nodes) for (const key of n.keys.keys()) keys.add(key);
    const others: PathNode[] = [];
    for (const n of this.nodes) {
      if (n.any !== undefined) others.push(n.any);
      if (n.carried) others.push(n);
    }
    this.other = this.levels.get(others);
    for (const key of keys) {
      const after = [...others];
      for (const n of this.nodes) {
        const next = n.keys.get(key);
        if (next !== undefined) after.push(next);
      }
      this.byKey.set(key, this.levels.get(after));
      if (/^(0|[1-9]\d*)$/.test(key)) this.indexed = true;
    }
    this.elements = this.levels.get([...this.nodes, ...others]);
  }

  /** The level after `key`. */
  next(key: string): Level {
    return this.byKey.get(key) ?? this.other;
  }

  /** The level after `key` at `position` in an object, remembered for the next object of the same shape. */
  nextAt(key: string, position: number): Level {
    if (this.shapeKeys[position] === key) return this.shapeNext[position] as Level;
    const next = this.next(key);
    if (position < MAX_SHAPE) {
      this.shapeKeys[position] = key;
      this.shapeNext[position] = next;
    }
    return next;
  }

  /** The level of the array element at `index`. */
  element(index: number): Level {
    if (!this.indexed) return this.elements;
    const byIndex = this.byKey.get(String(index));
    return byIndex === undefined ? this.elements : this.levels.get([...this.nodes, ...byIndex.nodes]);
  }
}

/** Levels by the set of nodes they stand for, so each set becomes one level. */
export class LevelCache {
  private readonly levels = new Map<string, Level>();
  private readonly ids = new Map<PathNode, number>();

  /** The level for `nodes`, with `**` nodes' targets added (`**` matches no level too). */
  get(nodes: readonly PathNode[]): Level {
    const set = new Set<PathNode>();
    const add = (n: PathNode) => {
      if (set.has(n)) return;
      set.add(n);
      if (n.deep !== undefined) add(n.deep);
    };
    for (const n of nodes) add(n);
    const sorted = [...set].sort((a, b) => this.id(a) - this.id(b));
    const key = sorted.map((n) => this.id(n)).join(',');
    let level = this.levels.get(key);
    if (level === undefined) {
      level = new Level(sorted, this);
      this.levels.set(key, level);
      level.link();
    }
    return level;
  }

  private id(n: PathNode): number {
    let id = this.ids.get(n);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(n, id);
    }
    return id;
  }
}

import { formatValue } from '../core/text.js';
import { SafeText } from './SafeText.js';

/** Nesting shown open at first; deeper levels start collapsed. */
const OPEN_DEPTH = 2;
/** Entries shown per object or array; the rest are summarized. */
const MAX_ENTRIES = 500;
/**
 * Nesting drawn at most. An import accepts a record nested 100,000 deep,
 * which drawn level by level would exhaust the stack; below this depth a
 * marker says what is left out.
 */
export const MAX_DEPTH = 64;

function Leaf({ value }: { value: unknown }) {
  const type = value === null ? 'null' : typeof value;
  return (
    <span class={`json-${type}`}>
      <SafeText text={typeof value === 'string' ? JSON.stringify(value) : formatValue(value)} />
    </span>
  );
}

function Node({ name, value, depth }: { name: string | undefined; value: unknown; depth: number }) {
  const label =
    name === undefined ? null : (
      <span class="json-key">
        <SafeText text={name} />
        {': '}
      </span>
    );
  if (typeof value !== 'object' || value === null) {
    return (
      <div class="json-row">
        {label}
        <Leaf value={value} />
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  if (depth >= MAX_DEPTH && entries.length > 0) {
    return (
      <div class="json-row">
        {label}
        <span class="json-summary">{summary}</span>{' '}
        <span class="json-cut" data-testid="json-cut">
          … nested deeper than {MAX_DEPTH} levels, not shown (copy as JSON has it all)
        </span>
      </div>
    );
  }
  return (
    <details class="json-node" open={depth < OPEN_DEPTH}>
      <summary>
        {label}
        <span class="json-summary">{summary}</span>
      </summary>
      <div class="json-children">
        {entries.slice(0, MAX_ENTRIES).map(([key, child]) => (
          <Node key={key} name={key} value={child} depth={depth + 1} />
        ))}
        {entries.length > MAX_ENTRIES ? <div class="json-more">… {entries.length - MAX_ENTRIES} more</div> : null}
      </div>
    </details>
  );
}

/** A JSON value as a tree of collapsible objects and arrays (native `details`, so keyboard works), cut at `MAX_DEPTH`. */
export function JsonTree({ value }: { value: unknown }) {
  return (
    <div class="json-tree">
      <Node name={undefined} value={value} depth={0} />
    </div>
  );
}

import type { LogRecord } from '@pulselog/shared';
import { formatValue } from '@pulselog/shared/query';
import { isQueryKey, isScalar, type Scalar } from '../core/refine.js';
import { chipValue, formatTime, LEVEL_LABEL } from '../core/text.js';
import { RichText } from './RichText.js';
import { SafeText } from './SafeText.js';

/** Height of one row in pixels; the virtual list and the stylesheet agree on it. */
export const ROW_HEIGHT = 24;
/** Height of a row when messages wrap: three lines of text. */
export const WRAP_ROW_HEIGHT = 58;
/** Chips shown per row; the detail panel shows every field. */
const MAX_CHIPS = 12;

/** What a row needs to draw one record. */
export interface RecordRowProps {
  /** The record; without one, an invisible row kept ready for records to come. */
  record: LogRecord | undefined;
  /** Lower-cased search terms to mark. */
  terms?: readonly string[];
  /** Position inside the list's content, in pixels; absent for a row in normal flow. */
  top?: number | undefined;
  selected?: boolean;
  /** Row number in the view, for keyboard navigation. */
  row?: number;
  onSelect?: ((row: number) => void) | undefined;
  /** A click on a chip: filter for its value, or (with a modifier key) filter it out. */
  onFilter?: ((key: string, value: Scalar, exclude: boolean) => void) | undefined;
}

/** True when a click asks to filter a value out rather than for it: Alt, Ctrl or Cmd held. */
export function excludes(event: MouseEvent): boolean {
  return event.altKey || event.ctrlKey || event.metaKey;
}

/**
 * One record: time, level (a coloured mark and the word), source, tag, message
 * and fields as `key=value` chips; a click on a chip filters for its value.
 * Everything is rendered as text; log content never becomes markup.
 */
export function RecordRow({ record, terms = [], top, selected = false, row = 0, onSelect, onFilter }: RecordRowProps) {
  const style = top === undefined ? undefined : { transform: `translateY(${top}px)` };
  // Drawn here rather than as a component of its own, so the same elements carry on with a record.
  if (!record) return blankRow(style);
  const common = {
    id: `row-${record.seq}`,
    role: 'option' as const,
    'aria-selected': selected,
    'data-seq': record.seq,
    'data-level': record.level,
    style,
    onClick: onSelect ? () => onSelect(row) : undefined,
  };
  if (record.kind === 'divider') {
    return (
      <div {...common} class={`row divider${selected ? ' selected' : ''}`}>
        <span class="msg divider-label">
          <RichText text={record.msg} terms={terms} />
        </span>
      </div>
    );
  }
  const fields = record.fields ? Object.entries(record.fields).slice(0, MAX_CHIPS) : [];
  // Chips are keyed by position: when the row shows another record, its chips are reused as they are.
  return (
    <div {...common} class={`row level-${record.level}${selected ? ' selected' : ''}`}>
      <span class="time">{formatTime(record.ts)}</span>
      <span class={`badge badge-${record.level}`}>{LEVEL_LABEL[record.level]}</span>
      {record.source ? (
        <span class="source">
          <RichText text={record.source} terms={terms} />
        </span>
      ) : null}
      {record.tag ? (
        <span class="tag">
          <RichText text={record.tag} terms={terms} />
        </span>
      ) : null}
      <span class="msg">
        <RichText text={record.msg} terms={terms} />
      </span>
      {fields.map(([key, value], i) => {
        const filterable = onFilter && isScalar(value) && isQueryKey(key);
        return (
          // A shortcut for the mouse inside a row (an option of the list, which nests no controls);
          // from the keyboard the same filters are the facets panel's and the detail panel's buttons.
          // biome-ignore lint/a11y/noStaticElementInteractions: see above
          // biome-ignore lint/a11y/useKeyWithClickEvents: see above
          <span
            class={`chip${filterable ? ' filterable' : ''}`}
            key={i}
            title={`${key}=${formatValue(value)}${filterable ? '\nclick: filter for it · Alt-click: filter it out' : ''}`}
            onClick={
              filterable
                ? (event: MouseEvent) => {
                    event.stopPropagation();
                    onFilter(key, value, excludes(event));
                  }
                : undefined
            }
          >
            <span class="chip-key">
              <SafeText text={key} />
            </span>
            =
            <span class="chip-value">
              <RichText text={chipValue(value)} terms={terms} />
            </span>
          </span>
        );
      })}
      {record.err ? (
        <span class="err">
          <SafeText text={`${record.err.name}: ${record.err.message}`} />
        </span>
      ) : null}
    </div>
  );
}

/** Chips a blank row holds, so the records that come later find them made. */
const BLANK_CHIPS = [0, 1, 2];

/**
 * An invisible row with the elements and the kinds of text a record's row
 * has, laid out while the list is empty: its fonts are loaded and its
 * elements made before records arrive, so the first ones only fill in text
 * instead of a screenful of rows being created and the fonts looked up in
 * one go.
 */
function blankRow(style: Record<string, string> | undefined) {
  return (
    <div class="row blank" aria-hidden="true" style={style}>
      <span class="time">00:00:00.000</span>
      <span class="badge badge-info">INFO</span>
      {null}
      <span class="msg">pulselog</span>
      {BLANK_CHIPS.map((i) => (
        <span class="chip" key={i}>
          <span class="chip-key">k</span>=<span class="chip-value">0</span>
        </span>
      ))}
      {null}
    </div>
  );
}

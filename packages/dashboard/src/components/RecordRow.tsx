import type { LogRecord } from '@pulselog/shared';

const LEVEL_LABEL = {
  debug: 'DEBUG',
  info: 'INFO',
  warning: 'WARNING',
  error: 'ERROR',
  critical: 'CRITICAL',
} as const;

/** `HH:MM:SS.mmm` in local time. */
export function formatTime(ts: number): string {
  const d = new Date(ts);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** A field value as short text for a chip. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/**
 * One record: time, level badge, tag, message and fields as `key=value` chips.
 * Everything is rendered as text; log content never becomes markup.
 */
export function RecordRow({ record }: { record: LogRecord }) {
  if (record.kind === 'divider') {
    return (
      <li class="row divider" data-seq={record.seq} data-level={record.level}>
        <span class="msg divider-label">{record.msg}</span>
      </li>
    );
  }
  return (
    <li class={`row level-${record.level}`} data-seq={record.seq} data-level={record.level}>
      <span class="time">{formatTime(record.ts)}</span>
      <span class={`badge badge-${record.level}`}>{LEVEL_LABEL[record.level]}</span>
      {record.tag ? <span class="tag">{record.tag}</span> : null}
      <span class="msg">{record.msg}</span>
      {record.fields
        ? Object.entries(record.fields).map(([key, value]) => (
            <span class="chip" key={key}>
              <span class="chip-key">{key}</span>=<span class="chip-value">{formatValue(value)}</span>
            </span>
          ))
        : null}
      {record.err ? <span class="err">{`${record.err.name}: ${record.err.message}`}</span> : null}
    </li>
  );
}

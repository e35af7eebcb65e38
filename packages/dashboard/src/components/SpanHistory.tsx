import type { LogRecord } from '@pulselog/shared';
import { useMemo } from 'preact/hooks';
import { spanHistory, spanName } from '../core/spans.js';
import type { ViewModel } from '../model/view.js';
import { SafeText } from './SafeText.js';

const WIDTH = 320;
const HEIGHT = 64;
/** Calls drawn at most: the newest. */
const CALLS = 200;

/** `ms` as a short duration label. */
function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Number(value.toPrecision(3))} ms`;
}

/**
 * The history of the selected record's span, as a small bar chart: one bar
 * per call of the same name (the newest `CALLS`), anomalies in the warning
 * colour, this call outlined, with the median drawn across. Click a bar to
 * select that call.
 */
export function SpanHistory({ view, record }: { view: ViewModel; record: LogRecord }) {
  const name = spanName(record);
  const version = view.version.value;
  const points = useMemo(
    () => (name === undefined ? [] : spanHistory(view.session.store, name, CALLS)),
    [name, version, view],
  );
  if (name === undefined || points.length === 0) return null;
  const sorted = points.map((p) => p.ms).sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1] as number;
  const top = Math.max(...sorted, 1e-9);
  const bar = WIDTH / points.length;
  const y = (value: number) => HEIGHT - (value / top) * (HEIGHT - 4);
  return (
    <section class="span-history" aria-label="span history" data-testid="span-history">
      <h3>
        Span <SafeText text={name} />: {points.length} call{points.length === 1 ? '' : 's'}, median {ms(median)}
      </h3>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-label={`durations of ${name}`}
      >
        {points.map((p, i) => (
          // biome-ignore lint/a11y/noStaticElementInteractions: a bar is a shortcut; the list selects the same record by keyboard
          <rect
            key={p.seq}
            data-testid={p.anomaly ? 'span-bar-anomaly' : 'span-bar'}
            class={`span-bar${p.anomaly ? ' span-bar-anomaly' : ''}${p.seq === record.seq ? ' span-bar-this' : ''}`}
            x={i * bar}
            y={y(p.ms)}
            width={Math.max(1, bar - 1)}
            height={HEIGHT - y(p.ms)}
            onClick={() => view.select(view.rowOfSeq(p.seq))}
          >
            <title>{`#${p.seq}: ${ms(p.ms)}`}</title>
          </rect>
        ))}
        <line class="span-median" x1={0} x2={WIDTH} y1={y(median)} y2={y(median)} />
      </svg>
    </section>
  );
}

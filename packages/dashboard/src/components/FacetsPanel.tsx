import { useMemo, useRef } from 'preact/hooks';
import { type Facet, FacetCounter, type NumberStats } from '../core/facets.js';
import type { Scalar } from '../core/refine.js';
import { shortNumber } from '../core/text.js';
import type { ViewModel } from '../model/view.js';
import { excludes } from './RecordRow.js';
import { useThrottled } from './useThrottled.js';

/** Longest a facet pass waits behind arriving records. */
const REDRAW_MS = 1000;

function label(value: Scalar): string {
  if (typeof value === 'number') return shortNumber(value);
  return value === null ? 'null' : String(value);
}

function Stats({ stats }: { stats: NumberStats }) {
  return (
    <div class="facet-stats" data-testid="facet-stats">
      <span title={String(stats.min)}>min {shortNumber(stats.min)}</span>
      <span title={String(stats.median)}>
        median {stats.approximate ? '≈' : ''}
        {shortNumber(stats.median)}
      </span>
      <span title={String(stats.max)}>max {shortNumber(stats.max)}</span>
    </div>
  );
}

function FacetSection({ facet, view, onChart }: { facet: Facet; view: ViewModel; onChart?: (key: string) => void }) {
  return (
    <section class="facet" data-key={facet.key} aria-label={`field ${facet.key}`}>
      <h4 class="facet-head">
        <span class="facet-key">{facet.key}</span>
        <span class="facet-present">{facet.present}</span>
        {facet.numbers && onChart ? (
          <button
            type="button"
            class="link facet-chart"
            title={`chart ${facet.key} over time`}
            onClick={() => onChart(facet.key)}
          >
            chart
          </button>
        ) : null}
      </h4>
      {facet.numbers ? <Stats stats={facet.numbers} /> : null}
      <ul class="facet-values">
        {facet.top.map((v) => (
          <li key={String(v.value)}>
            <button
              type="button"
              class="facet-value"
              title={`${facet.key}=${String(v.value)}: click to filter for it, Alt-click to filter it out`}
              onClick={(event) => view.refine(facet.key, v.value, excludes(event))}
            >
              <span class="facet-label">{label(v.value)}</span>
              <span class="facet-count">{v.count}</span>
            </button>
            <button
              type="button"
              class="facet-out"
              aria-label={`filter out ${facet.key}=${String(v.value)}`}
              title="filter it out"
              onClick={() => view.refine(facet.key, v.value, true)}
            >
              −
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The fields of the records shown, each with its top values and counts (and
 * min/median/max for numbers); a click on a value filters for it, Alt-click
 * or its − button filters it out, and a numeric field can be charted.
 */
export function FacetsPanel({ view, onChart }: { view: ViewModel; onChart?: (key: string) => void }) {
  const cost = useRef(0);
  // Kept between passes: while records only arrive, a pass counts the new ones alone.
  const counter = useMemo(() => new FacetCounter(), [view]);
  const version = useThrottled(`${view.version.value}`, REDRAW_MS, cost.current);
  const { facets, ms } = useMemo(() => {
    const started = performance.now();
    const facets = counter.facets(view.session.store, view.shownRows());
    const ms = performance.now() - started;
    cost.current = ms;
    return { facets, ms };
  }, [version, view, counter]);
  return (
    <aside class="facets" aria-label="facets" data-testid="facets" data-ms={ms.toFixed(1)}>
      {facets.map((facet) => (
        <FacetSection key={facet.key} facet={facet} view={view} onChart={onChart} />
      ))}
    </aside>
  );
}

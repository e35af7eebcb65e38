import { LEVEL_NAMES, type LevelName } from '@pulselog/shared';
import { useRef } from 'preact/hooks';
import { LEVEL_LABEL } from '../core/text.js';
import type { AppModel } from '../model/app.js';

const THEME_LABEL = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' } as const;

/** Level toggles with live counts, the search box, wrapping, the theme, and import and export. */
export function Toolbar({ app }: { app: AppModel }) {
  const view = app.view.value;
  const filter = view.filter.value;
  const counts = view.session.counts.value;
  const fileInput = useRef<HTMLInputElement>(null);
  const prefs = app.prefs;
  const toggle = (level: LevelName) => {
    const levels = new Set(filter.levels);
    if (levels.has(level)) levels.delete(level);
    else levels.add(level);
    view.filter.value = { ...filter, levels };
  };
  return (
    <div class="toolbar">
      <fieldset class="levels" aria-label="levels">
        {LEVEL_NAMES.map((level) => (
          <button
            key={level}
            type="button"
            class={`toggle toggle-${level}`}
            aria-pressed={filter.levels.has(level)}
            data-level={level}
            title={`Show ${LEVEL_LABEL[level]} records`}
            onClick={() => toggle(level)}
          >
            {LEVEL_LABEL[level]} <span class="toggle-count">{counts[level]}</span>
          </button>
        ))}
      </fieldset>
      <input
        id="search"
        class="search"
        type="search"
        aria-label="search and filter"
        placeholder="Search, or filter: status>=500 tag:training (a OR b) -noise /regex/ since:10m   ( / )"
        aria-invalid={view.queryError ? true : undefined}
        value={filter.query}
        spellcheck={false}
        autocomplete="off"
        onInput={(event) => {
          view.filter.value = { ...view.filter.value, query: event.currentTarget.value };
        }}
      />
      {view.queryError ? (
        <p class="query-error" role="alert" data-testid="query-error">
          {view.queryError.message}
        </p>
      ) : null}
      <span class="shown" data-testid="shown-count" title={`filtered in ${view.lastFilterMs.value.toFixed(1)} ms`}>
        {view.length} shown
      </span>
      {filter.from !== undefined || filter.to !== undefined ? (
        <button
          type="button"
          data-testid="clear-range"
          onClick={() => {
            const { from: _from, to: _to, ...rest } = view.filter.value;
            view.filter.value = rest;
          }}
        >
          Clear time range
        </button>
      ) : null}
      <span class="spacer" />
      <button
        type="button"
        aria-pressed={prefs.facets.value}
        data-testid="facets-toggle"
        title="Show the fields of the records shown, with their top values"
        onClick={() => (prefs.facets.value = !prefs.facets.value)}
      >
        Facets
      </button>
      <button
        type="button"
        aria-pressed={prefs.wrap.value}
        data-testid="wrap"
        title="Wrap long messages onto three lines instead of cutting them with an ellipsis"
        onClick={() => (prefs.wrap.value = !prefs.wrap.value)}
      >
        Wrap
      </button>
      <button
        type="button"
        data-testid="theme"
        title="Colour scheme: the system's, light or dark"
        onClick={() => prefs.nextTheme()}
      >
        {THEME_LABEL[prefs.theme.value]}
      </button>
      <button type="button" onClick={() => app.download(false)} data-testid="export-session">
        Export
      </button>
      <button type="button" onClick={() => app.download(true)} data-testid="export-view">
        Export view
      </button>
      <button type="button" onClick={() => fileInput.current?.click()}>
        Import
      </button>
      <input
        ref={fileInput}
        type="file"
        class="hidden"
        accept=".json,.ndjson,application/json"
        aria-label="import a session file"
        data-testid="import-file"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          if (file) void app.importFile(file);
          event.currentTarget.value = '';
        }}
      />
    </div>
  );
}

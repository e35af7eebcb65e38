import type { SerializedError } from '@pulselog/shared';
import { useState } from 'preact/hooks';
import { isMarkdown } from '../core/markdown.js';
import { formatDateTime, formatTime, LEVEL_LABEL } from '../core/text.js';
import type { ViewModel } from '../model/view.js';
import { JsonTree } from './JsonTree.js';
import { Markdown } from './Markdown.js';
import { RichText } from './RichText.js';
import { SafeText } from './SafeText.js';
import { SpanHistory } from './SpanHistory.js';

const TRACE_KEYS = ['trace_id', 'traceId', 'span_id', 'spanId', 'parent_span_id'];

/** The query key that filters by each trace key's value: its trace, or its span. */
const FILTER_KEY: Readonly<Record<string, 'trace' | 'span'>> = { trace_id: 'trace', span_id: 'span' };

function ErrorChain({ err }: { err: SerializedError }) {
  const chain: SerializedError[] = [];
  for (let e: SerializedError | undefined = err; e && chain.length < 10; e = e.cause) chain.push(e);
  return (
    <section class="detail-error" aria-label="error">
      {chain.map((e, i) => (
        <div class="error-link" key={i}>
          <div class="error-head">
            {i > 0 ? <span class="caused">caused by </span> : null}
            <strong>
              <SafeText text={String(e.name)} />
            </strong>
            : <SafeText text={String(e.message)} />
            {e.code !== undefined ? (
              <span class="error-code">
                {' ['}
                <SafeText text={String(e.code)} />]
              </span>
            ) : null}
          </div>
          {typeof e.stack === 'string' ? (
            <pre class="stack">
              <SafeText text={e.stack} />
            </pre>
          ) : null}
        </div>
      ))}
    </section>
  );
}

/** `value` as indented JSON, or `undefined` when it is nested too deep to indent; the record's own line then serves. */
function prettyJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return undefined;
  }
}

/** Everything about the selected record: full message, fields as a tree, error chain, trace ids, copy as JSON. */
export function DetailPanel({ view }: { view: ViewModel }) {
  const seq = view.selected.value;
  view.version.value;
  const [copied, setCopied] = useState(false);
  if (seq === undefined || !view.detailOpen.value) return null;
  const index = view.session.indexOfSeq(seq);
  const record = view.session.record(index);
  if (!record || record.seq !== seq) {
    // Evicted while selected (older than every record held): say where it went rather than vanish.
    if (view.session.evicted === 0 || index > 0) return null;
    return (
      <aside class="detail" aria-label="record detail" data-testid="detail">
        <p class="warning-text" data-testid="detail-evicted">
          Record #{seq} has left this tab, which holds the newest {view.session.limit.toLocaleString('en')} records; it
          is in the session file.
        </p>
      </aside>
    );
  }
  const fields = record.fields ?? {};
  const traces = TRACE_KEYS.filter((k) => fields[k] !== undefined);
  const copy = async () => {
    const text = prettyJson(record) ?? view.session.store.json(index) ?? '';
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Without clipboard permission, select the JSON so the user can copy it.
      const area = document.createElement('textarea');
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <aside class="detail" aria-label="record detail" data-testid="detail">
      <header class="detail-head">
        <span class={`badge badge-${record.level}`}>{LEVEL_LABEL[record.level]}</span>
        <span class="detail-time" title={formatDateTime(record.ts)}>
          {formatTime(record.ts)}
        </span>
        <span class="detail-seq">#{record.seq}</span>
        {record.source ? (
          <span class="source">
            <SafeText text={record.source} />
          </span>
        ) : null}
        {record.tag ? (
          <span class="tag">
            <SafeText text={record.tag} />
          </span>
        ) : null}
        <span class="spacer" />
        {view.filtered && !view.context.value ? (
          <button type="button" data-testid="show-context" onClick={() => view.showContext(record.seq)}>
            Show context
          </button>
        ) : null}
        <button type="button" onClick={copy} data-testid="copy-json">
          {copied ? 'Copied' : 'Copy as JSON'}
        </button>
        <button type="button" aria-label="close detail" onClick={() => (view.detailOpen.value = false)}>
          ×
        </button>
      </header>
      {isMarkdown(record) ? (
        <div class="detail-msg detail-md" data-testid="detail-msg">
          <Markdown text={record.msg} />
        </div>
      ) : (
        <pre class="detail-msg" data-testid="detail-msg">
          <RichText text={record.msg} terms={view.terms} />
        </pre>
      )}
      {traces.length > 0 ? (
        <dl class="trace">
          {traces.map((k) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>
                {FILTER_KEY[k] && typeof fields[k] === 'string' ? (
                  <button
                    type="button"
                    class="trace-link"
                    title={`Show every record of this ${FILTER_KEY[k]}`}
                    data-testid={`filter-${FILTER_KEY[k]}`}
                    onClick={() => view.filterTo(FILTER_KEY[k] as 'trace' | 'span', fields[k] as string)}
                  >
                    <SafeText text={fields[k] as string} />
                  </button>
                ) : (
                  <SafeText text={String(fields[k])} />
                )}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {record.err ? <ErrorChain err={record.err} /> : null}
      <SpanHistory view={view} record={record} />
      {record.fields ? (
        <section aria-label="fields">
          <h3>Fields</h3>
          <JsonTree value={record.fields} onFilter={(key, value, exclude) => view.refine(key, value, exclude)} />
        </section>
      ) : null}
    </aside>
  );
}

import type { LogRecord } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { exportJson, type SessionExport } from '../core/transfer.js';
import { AppModel } from '../model/app.js';
import { SessionModel } from '../model/session.js';
import { ViewModel } from '../model/view.js';
import { App } from './App.js';
import { DetailPanel } from './DetailPanel.js';
import { MAX_DEPTH } from './JsonTree.js';
import '../styles.css';
import { packRecords } from '../core/pack.js';

const record: LogRecord = {
  seq: 1,
  ts: 0,
  level: 'error',
  msg: 'request failed\nsecond line <b>not bold</b>',
  fields: { trace_id: 'abc123', span_id: 'def', req: { path: '/x', headers: { a: '1' } } },
  err: {
    name: 'TypeError',
    message: 'upstream down',
    stack: 'TypeError: upstream down\n    at f (x.js:1:1)',
    cause: { name: 'Error', message: 'refused', code: 'ECONNREFUSED', cause: { name: 'Error', message: 'root' } },
  },
};

afterEach(() => {
  render(null, document.body);
  document.body.innerHTML = '';
});

describe('DetailPanel', () => {
  it('filters to the trace or the span of the selected record on a click of its id, whatever the filter was', async () => {
    const traceId = '5b8efff798038103d269b633813fc60c';
    const model = new SessionModel();
    model.append(
      packRecords([
        { seq: 1, ts: 1, level: 'info', msg: 'request in', fields: { trace_id: traceId, span_id: '0102030405060708' } },
        { seq: 2, ts: 2, level: 'debug', msg: 'query', fields: { trace_id: traceId, span_id: '1112131415161718' } },
        {
          seq: 3,
          ts: 3,
          level: 'info',
          msg: 'other request',
          fields: { trace_id: 'f'.repeat(32), span_id: '2'.repeat(16) },
        },
        { seq: 4, ts: 4, level: 'info', msg: 'untraced' },
      ]),
    );
    const view = new ViewModel(model);
    view.filter.value = { ...view.filter.value, query: 'request', levels: new Set(['info']) };
    const host = document.createElement('div');
    document.body.append(host);
    render(<DetailPanel view={view} />, host);
    view.select(0);
    view.detailOpen.value = true;
    await new Promise((resolve) => setTimeout(resolve, 0));
    const traceLink = host.querySelector('[data-testid="filter-trace"]') as HTMLButtonElement;
    expect(traceLink.textContent).toBe(traceId);
    traceLink.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(view.filter.value.query).toBe(`trace:${traceId}`);
    expect(Array.from({ length: view.length }, (_, row) => view.session.record(view.recordIndex(row))?.seq)).toEqual([
      1, 2,
    ]);
    (host.querySelector('[data-testid="filter-span"]') as HTMLButtonElement).click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(view.filter.value.query).toBe('span:0102030405060708');
    expect(view.length).toBe(1);
  });

  it('shows the full message, error chain, trace ids and fields tree of the selected record', async () => {
    const model = new SessionModel();
    model.append(packRecords([record]));
    const view = new ViewModel(model);
    const host = document.createElement('div');
    document.body.append(host);
    render(<DetailPanel view={view} />, host);
    expect(host.querySelector('[data-testid="detail"]')).toBeNull();

    view.select(0);
    view.detailOpen.value = true;
    await new Promise((resolve) => setTimeout(resolve, 0));
    const panel = host.querySelector('[data-testid="detail"]') as HTMLElement;
    expect(panel.querySelector('[data-testid="detail-msg"]')?.textContent).toBe(record.msg);
    expect(panel.querySelector('b')).toBeNull();
    expect([...panel.querySelectorAll('.error-head')].map((e) => e.textContent)).toEqual([
      'TypeError: upstream down',
      'caused by Error: refused [ECONNREFUSED]',
      'caused by Error: root',
    ]);
    expect(panel.querySelector('.stack')?.textContent).toContain('at f (x.js:1:1)');
    expect(panel.querySelector('.trace')?.textContent).toBe('trace_idabc123span_iddef');
    const keys = [...panel.querySelectorAll('.json-key')].map((k) => k.textContent);
    expect(keys).toEqual(['trace_id: ', 'span_id: ', 'req: ', 'path: ', 'headers: ', 'a: ']);

    (panel.querySelector('[aria-label="close detail"]') as HTMLButtonElement).click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(host.querySelector('[data-testid="detail"]')).toBeNull();
  });
});

describe('DetailPanel on an imported record nested 100,000 deep', () => {
  const depth = 100_000;
  const deep = `{"a":${'['.repeat(depth)}"bottom"${']'.repeat(depth)}}`;
  const lines = [
    JSON.stringify({ type: 'session', session: { id: 'deep-1', name: 'deep' } }),
    JSON.stringify({ seq: 1, ts: 1, level: 'info', msg: 'shallow' }),
    `{"seq":2,"ts":2,"level":"warning","msg":"deep","fields":{"payload":${deep},"n":1}}`,
  ];
  let app: AppModel | undefined;

  afterEach(() => app?.close());

  async function openSecond(file: File): Promise<HTMLElement> {
    app = new AppModel(new SessionModel(), undefined, undefined);
    const host = document.createElement('div');
    host.style.height = '600px';
    document.body.append(host);
    render(<App app={app} />, host);
    await app.importFile(file);
    expect(app.notice.value).toBe(`Imported 2 records from ${file.name}`);
    app.view.value.select(1);
    app.view.value.detailOpen.value = true;
    await new Promise((resolve) => setTimeout(resolve, 50));
    return host.querySelector('[data-testid="detail"]') as HTMLElement;
  }

  it('opens it from a recorder file, its nesting cut with a visible marker', async () => {
    const panel = await openSecond(new File([lines.join('\n')], 'deep.ndjson'));
    expect(panel.querySelector('[data-testid="detail-msg"]')?.textContent).toBe('deep');
    const cut = panel.querySelectorAll('[data-testid="json-cut"]');
    expect(cut).toHaveLength(1);
    expect(cut[0]?.textContent).toContain(`nested deeper than ${MAX_DEPTH} levels`);
    expect(panel.querySelectorAll('.json-node').length).toBeLessThanOrEqual(MAX_DEPTH + 1);
    expect([...panel.querySelectorAll('.json-key')].map((k) => k.textContent)).toContain('n: ');
    expect(document.querySelector('[data-seq="2"] .msg')?.textContent).toBe('deep');
  });

  it('opens it from the export of that session, written from the text the page keeps', async () => {
    await openSecond(new File([lines.join('\n')], 'deep.ndjson'));
    const exported = exportJson((app as AppModel).dump(false)?.session as SessionExport).join('');
    app?.close();
    render(null, document.body);
    document.body.innerHTML = '';
    expect(exported).toContain(deep);
    const panel = await openSecond(new File([exported], 'deep.json'));
    expect(panel.querySelector('[data-testid="json-cut"]')).not.toBeNull();
  });
});

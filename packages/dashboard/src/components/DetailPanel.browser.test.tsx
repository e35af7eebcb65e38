import type { LogRecord } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionModel } from '../model/session.js';
import { ViewModel } from '../model/view.js';
import { DetailPanel } from './DetailPanel.js';
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

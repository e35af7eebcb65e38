import type { LogRecord } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { packRecords } from '../core/pack.js';
import { SessionModel } from '../model/session.js';
import { ViewModel } from '../model/view.js';
import { DetailPanel } from './DetailPanel.js';
import { RecordRow } from './RecordRow.js';
import '../styles.css';

const RLO = '\u202E';
const record: LogRecord = {
  seq: 1,
  ts: 0,
  level: 'error',
  msg: `invoice${RLO}gnp.exe`,
  tag: `t\u2067ag`,
  fields: { [`k${RLO}ey`]: `v\u2066al\u2069ue`, nested: { [`in${RLO}ner`]: `x${RLO}y` } },
  err: { name: 'Error', message: `bad\u200Ffile`, stack: `Error: bad\n    at ${RLO}sj.x (f.js:1:1)` },
};

/**
 * The left edge, on screen, of each character of `text` where it first
 * occurs in `element`'s text: increasing when the text reads left to right.
 */
function lefts(element: Element, text: string): number[] {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent?.indexOf(text) ?? -1;
    if (at < 0) continue;
    return [...text].map((_, i) => {
      const range = document.createRange();
      range.setStart(node, at + i);
      range.setEnd(node, at + i + 1);
      return range.getBoundingClientRect().left;
    });
  }
  throw new Error(`"${text}" is not shown`);
}

const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || x > (xs[i - 1] as number));

function mount(node: preact.ComponentChild): HTMLElement {
  const host = document.createElement('div');
  host.className = 'list';
  document.body.append(host);
  render(node, host);
  return host;
}

afterEach(() => {
  render(null, document.body);
  document.body.innerHTML = '';
});

describe('SafeText', () => {
  it('would let a raw override reverse what follows it, which is what it prevents', () => {
    const raw = mount(<span>{record.msg}</span>);
    // The test below can tell: drawn as it is, "gnp.exe" reads backwards on screen.
    expect(ascending(lefts(raw, 'gnp.exe'))).toBe(false);
  });

  it('shows bidirectional controls in a row as marks, and the text after them in its own order', () => {
    const host = mount(<RecordRow record={record} />);
    const row = host.querySelector('[data-seq="1"]') as HTMLElement;
    const msg = row.querySelector('.msg') as HTMLElement;
    expect(msg.textContent).toBe('invoice⟨U+202E⟩gnp.exe');
    expect(ascending(lefts(msg, 'gnp.exe'))).toBe(true);
    expect(ascending(lefts(msg, 'invoice'))).toBe(true);
    const mark = msg.querySelector('.ctl') as HTMLElement;
    expect(mark.title).toBe('U+202E RIGHT-TO-LEFT OVERRIDE');
    expect(getComputedStyle(mark).borderTopStyle).toBe('solid');
    expect(row.querySelector('.tag')?.textContent).toBe('t⟨U+2067⟩ag');
    expect(row.querySelector('.chip')?.textContent).toBe('k⟨U+202E⟩ey=v⟨U+2066⟩al⟨U+2069⟩ue');
    expect(row.querySelector('.err')?.textContent).toBe('Error: bad⟨U+200F⟩file');
    expect(row.textContent).not.toMatch(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/);
  });

  it('shows them as marks in the detail panel too: message, stack and fields tree', async () => {
    const model = new SessionModel();
    model.append(packRecords([record]));
    const view = new ViewModel(model);
    const host = mount(<DetailPanel view={view} />);
    view.select(0);
    view.detailOpen.value = true;
    await new Promise((resolve) => setTimeout(resolve, 0));
    const panel = host.querySelector('[data-testid="detail"]') as HTMLElement;
    const msg = panel.querySelector('[data-testid="detail-msg"]') as HTMLElement;
    expect(msg.textContent).toBe('invoice⟨U+202E⟩gnp.exe');
    expect(ascending(lefts(msg, 'gnp.exe'))).toBe(true);
    expect(panel.querySelector('.stack')?.textContent).toContain('at ⟨U+202E⟩sj.x (f.js:1:1)');
    const keys = [...panel.querySelectorAll('.json-key')].map((k) => k.textContent);
    expect(keys).toEqual(['k⟨U+202E⟩ey: ', 'nested: ', 'in⟨U+202E⟩ner: ']);
    expect([...panel.querySelectorAll('.json-string')].map((k) => k.textContent)).toEqual([
      '"v⟨U+2066⟩al⟨U+2069⟩ue"',
      '"x⟨U+202E⟩y"',
    ]);
    expect(panel.textContent).not.toMatch(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/);
  });
});

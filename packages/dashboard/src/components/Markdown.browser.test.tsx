import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { packRecords } from '../core/pack.js';
import { SessionModel } from '../model/session.js';
import { ViewModel } from '../model/view.js';
import { DetailPanel } from './DetailPanel.js';
import '../styles.css';

afterEach(() => {
  render(null, document.body);
  document.body.innerHTML = '';
});

const HOSTILE = [
  '## Epoch 3 done',
  '',
  'Loss **0.21**, see [the run](https://example.com/run/3) or [mail](mailto:ops@example.com).',
  '',
  '[click me](javascript:alert(1)) and [data](data:text/html,<b>x</b>) and [ref][bad]',
  '',
  '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>',
  '',
  '![chart](https://example.com/chart.png)',
  '',
  '| metric | value |',
  '| --- | --- |',
  '| acc | 0.93 |',
  '',
  '[bad]: javascript:alert(2)',
].join('\n');

async function shown(msg: string, fields: Record<string, unknown>): Promise<HTMLElement> {
  const model = new SessionModel();
  model.append(packRecords([{ seq: 1, ts: 1_000_000, level: 'info', msg, fields }]));
  const view = new ViewModel(model);
  view.selected.value = 1;
  view.detailOpen.value = true;
  render(<DetailPanel view={view} />, document.body);
  // The parser loads on first use.
  for (let i = 0; i < 250 && fields.md && !document.querySelector('[data-testid="markdown"]'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return document.querySelector('[data-testid="detail-msg"]') as HTMLElement;
}

describe('Markdown messages', () => {
  it('renders headings, emphasis, safe links and tables, and neither a javascript: link nor raw HTML', async () => {
    const msg = await shown(HOSTILE, { md: true });
    expect(msg.querySelector('h4')?.textContent).toBe('Epoch 3 done');
    expect(msg.querySelector('strong')?.textContent).toBe('0.21');
    const hrefs = [...msg.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(hrefs).toEqual(['https://example.com/run/3', 'mailto:ops@example.com', 'https://example.com/chart.png']);
    for (const a of msg.querySelectorAll('a')) expect(a.rel).toContain('noopener');
    // The unsafe links keep their text, not their target.
    expect(msg.textContent).toContain('click me');
    expect(msg.innerHTML).not.toContain('javascript:');
    expect(msg.innerHTML).not.toContain('data:text');
    // Raw HTML is shown as text: no element made, nothing run.
    expect(msg.querySelector('img, script')).toBeNull();
    expect(msg.textContent).toContain('<img src=x onerror="window.__pwned=1">');
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    expect(msg.textContent).toContain('[image: chart]');
    expect([...msg.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['metric', 'value', 'acc', '0.93']);
  });

  it('leaves a message that does not say it is Markdown as plain text', async () => {
    const msg = await shown('**not bold** [x](https://example.com)', {});
    expect(msg.tagName).toBe('PRE');
    expect(msg.querySelector('strong, a')).toBeNull();
    expect(msg.textContent).toBe('**not bold** [x](https://example.com)');
  });
});

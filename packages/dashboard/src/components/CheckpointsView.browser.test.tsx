import { parseServerMessage } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckpointData } from '../model/checkpoint-data.js';
import { SessionModel } from '../model/session.js';
import { CheckpointsView, MAX_CARDS, overallProgress } from './CheckpointsView.js';
import '../styles.css';

/** Feeds a message the way the connection does: raw JSON through the protocol's parser. */
function receive(model: SessionModel, message: unknown): void {
  const parsed = parseServerMessage(JSON.stringify(message));
  if (!parsed.ok) throw new Error(parsed.reason);
  if (parsed.value.type === 'batch') throw new Error('records come as lines');
  model.apply(parsed.value);
}

/** Checkpoint changes reach the view at most every 50 ms: waits past that. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 120));

afterEach(() => {
  render(null, document.body);
  document.body.innerHTML = '';
});

describe('CheckpointsView', () => {
  it('shows a card per checkpoint and updates them live', async () => {
    const model = new SessionModel();
    const host = document.createElement('div');
    document.body.append(host);
    render(<CheckpointsView session={model} />, host);
    expect(host.textContent).toContain('No checkpoints yet');

    receive(model, {
      type: 'checkpoint',
      op: 'upsert',
      checkpoint: { name: 'epoch-1', data: { loss: 0.4, nested: { a: [1, 2] } }, status: 'DONE', progress: 100, ts: 1 },
    });
    receive(model, {
      type: 'checkpoint',
      op: 'upsert',
      checkpoint: { name: 'epoch-2', data: null, status: 'IN_PROGRESS', progress: 20, note: 'running', ts: 2 },
    });
    receive(model, {
      type: 'checkpoint',
      op: 'upsert',
      checkpoint: { name: 'eval', data: 1, status: 'SKIPPED', ts: 3 },
    });
    await tick();
    const cards = () => [...host.querySelectorAll('[data-testid="checkpoint"]')] as HTMLElement[];
    expect(cards().map((c) => c.querySelector('.status')?.textContent)).toEqual(['DONE', 'IN_PROGRESS', 'SKIPPED']);
    expect(host.querySelector('[data-testid="overall-progress"]')?.textContent).toBe('40%');
    const epoch2 = cards()[1] as HTMLElement;
    expect(epoch2.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow')).toBe('20');
    expect(epoch2.querySelector('.card-note')?.textContent).toBe('running');
    // Data is a collapsible tree: the deepest level starts closed.
    const nodes = [...(cards()[0] as HTMLElement).querySelectorAll('details')];
    expect(nodes.map((d) => d.open)).toEqual([true, true, false]);

    receive(model, {
      type: 'checkpoint',
      op: 'upsert',
      checkpoint: { name: 'epoch-2', data: null, status: 'FAILED', progress: 60, ts: 4 },
    });
    receive(model, { type: 'checkpoint', op: 'delete', name: 'eval' });
    await tick();
    expect(cards().map((c) => c.querySelector('.status')?.textContent)).toEqual(['DONE', 'FAILED']);
    expect(host.querySelector('[data-testid="overall-progress"]')?.textContent).toBe('80%');
  });

  it('leaves a FAILED checkpoint without progress out of the overall bar', () => {
    const done = { name: 'load', data: null, status: 'DONE' as const, ts: 1 };
    const half = { name: 'train', data: null, status: 'IN_PROGRESS' as const, progress: 50, ts: 2 };
    const failed = { name: 'upload', data: null, status: 'FAILED' as const, ts: 3 };
    expect(overallProgress([done, half, failed])).toBe(75);
    expect(overallProgress([done, half, { ...failed, progress: 30 }])).toBe(60);
    expect(overallProgress([failed])).toBe(0);
  });

  it("fetches a summary's data when its card opens, and again when a newer save comes while open", async () => {
    const model = new SessionModel();
    const host = document.createElement('div');
    document.body.append(host);
    const asked: string[] = [];
    const saves = new Map<string, CheckpointData>();
    const load = async (name: string) => {
      asked.push(name);
      const data = saves.get(name);
      if (!data) throw new Error('the logger no longer has this checkpoint');
      return data;
    };
    render(<CheckpointsView session={model} load={load} />, host);
    const summary = (name: string, ts: number, dataSize: number) =>
      receive(model, { type: 'checkpoint', op: 'summary', checkpoint: { name, ts, dataSize, status: 'DONE' } });
    saves.set('weights', { name: 'weights', ts: 1, data: { layer: [0.5, 0.25] } });
    summary('weights', 1, 20_480);
    summary('gone', 2, 10);
    await tick();
    const data = (name: string) =>
      host.querySelector(`[data-name="${name}"] [data-testid="checkpoint-data"]`) as HTMLDetailsElement;
    expect(data('weights').querySelector('summary')?.textContent).toBe('data (20.0 kB)');
    // Nothing is fetched until a card opens.
    expect(asked).toEqual([]);
    data('weights').open = true;
    await expect.poll(() => data('weights').textContent).toContain('0.25');
    expect(asked).toEqual(['weights']);

    saves.set('weights', { name: 'weights', ts: 3, data: { layer: [0.125] } });
    summary('weights', 3, 30);
    await expect.poll(() => data('weights').textContent).toContain('0.125');
    expect(asked).toEqual(['weights', 'weights']);

    data('gone').open = true;
    await expect.poll(() => data('gone').textContent).toContain('no longer has this checkpoint');
  });

  it('shows the last cards of thousands of checkpoints, with the overall progress of all', async () => {
    const model = new SessionModel();
    const host = document.createElement('div');
    document.body.append(host);
    render(<CheckpointsView session={model} />, host);
    for (let i = 0; i < 20_000; i++) {
      receive(model, {
        type: 'checkpoint',
        op: 'summary',
        checkpoint: { name: `c${i}`, ts: i, dataSize: 20_000, progress: i < 10_000 ? 100 : 0 },
      });
    }
    await tick();
    const cards = host.querySelectorAll('[data-testid="checkpoint"]');
    expect(cards.length).toBe(MAX_CARDS);
    expect(cards[cards.length - 1]?.getAttribute('data-name')).toBe('c19999');
    expect(host.querySelector('[data-testid="checkpoints-more"]')?.textContent).toContain('of 20000 checkpoints');
    expect(host.querySelector('[data-testid="overall-progress"]')?.textContent).toBe('50%');
  });
});

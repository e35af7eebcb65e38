import { describe, expect, it } from 'vitest';
import { MemoryPipeline, testSetup } from '../core/test-support.js';
import { Logger } from '../logger.js';
import { limitsFor } from '../serialize.js';
import { type CallContext, Encoder } from './encoder.js';
import { Template } from './template.js';

const ROOT: CallContext = { tag: undefined, fieldsJson: undefined };

/** The benchmark's W3 value: 20 keys, objects 3 deep, an array of 10 numbers, built per call. */
function state(i: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let k = 0; k < 20; k++) {
    if (k % 4 === 0) o[`k${k}`] = { id: i + k, name: `item ${k}`, inner: { depth: 3, ok: true, score: k * 0.5 } };
    else if (k % 4 === 1) o[`k${k}`] = `value "${k}"\n`;
    else if (k % 4 === 2) o[`k${k}`] = i * k;
    else o[`k${k}`] = k % 2 === 0 ? null : false;
  }
  o.numbers = [1, 2.5, -3, 4, 5, 6, 7, 8, 9, 1e21];
  o.empty = { list: [], map: {} };
  return o;
}

/** What `encode` makes of the same call twice: the second is a template when the fields can be one. */
function secondCall(fields: unknown, encoder = new Encoder()) {
  encoder.encode('info', 'state', fields, undefined, undefined, undefined, ROOT);
  return encoder.encode('info', 'state', fields, undefined, undefined, undefined, ROOT);
}

describe('nested templates', () => {
  it('write nested fields byte for byte as JSON.stringify does, from the second call of a message', async () => {
    const sink = new MemoryPipeline();
    const log = new Logger('nested', testSetup(sink));
    const child = log.child({ request_id: 'r-1' });
    for (let i = 0; i < 5; i++) {
      log.info('state', state(i));
      child.warning('state', state(i));
      await log.context('training', async () => log.info('state', state(i)));
    }
    await log.flush();
    const records = sink.parsed();
    expect(records.map((r) => r.fields)).toEqual(
      Array.from({ length: 5 }, (_, i) => [state(i), { request_id: 'r-1', ...state(i) }, state(i)]).flat(),
    );
    for (const [n, line] of sink.lines.entries()) {
      const fields = JSON.stringify(records[n]?.fields);
      expect(line).toContain(`"fields":${fields}`);
    }
    expect(records.filter((r) => r.tag === 'training')).toHaveLength(5);
    // Batches carried templates: the nested calls did not all go as text.
    expect(sink.batches.some((b) => b.packed.templates !== undefined)).toBe(true);
    await log.shutdown();
  });

  it('tell a shape from the last one wherever they part: longer, shorter, another kind or key', async () => {
    const sink = new MemoryPipeline();
    const log = new Logger('nested', testSetup(sink));
    const shapes = [
      { a: 1, b: { c: 2 } },
      { a: 1, b: { c: 2, d: 3 } },
      { a: 1, b: { c: 2 } },
      { a: 'x', b: { c: 2 } },
      { a: 1, b: [2] },
      { a: 1, b: { e: 2 } },
      { a: 1, b: { c: 2 }, f: [] },
      { a: 1, b: { c: 2 } },
      // Not plain data: read as far as its prototype, then sent as text.
      { a: 1, q: Object.assign(Object.create(null), { z: 2 }) },
      { a: 1, b: { c: 2, d: 3 } },
    ];
    for (let round = 0; round < 3; round++) for (const fields of shapes) log.info('state', fields);
    await log.flush();
    expect(sink.lines).toHaveLength(3 * shapes.length);
    for (const [n, line] of sink.lines.entries()) {
      expect(line).toContain(`"fields":${JSON.stringify(shapes[n % shapes.length])}}`);
    }
    expect(sink.batches.some((b) => b.packed.templates !== undefined)).toBe(true);
    await log.shutdown();
  });

  it('time each record at its own call', async () => {
    const sink = new MemoryPipeline();
    const log = new Logger('nested', testSetup(sink));
    log.info('state', state(0));
    log.info('state', state(1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const before = Date.now();
    log.info('state', state(2));
    await log.flush();
    const times = sink.parsed().map((r) => r.ts);
    // The third call goes as a template: its time is its own, not the call before it.
    expect(times[2]).toBeGreaterThanOrEqual(before - 1);
    expect(sink.batches.some((b) => b.packed.templates !== undefined)).toBe(true);
    await log.shutdown();
  });

  it('make a template for plain data within the limits', () => {
    expect(secondCall(state(1))).toBeInstanceOf(Template);
    expect(secondCall({ a: [[1], [2, [3]]], b: { c: { d: 'e' } } })).toBeInstanceOf(Template);
  });

  it('leave to the text path what the limits cut or what is not plain data', () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let d = 0; d < 12; d++) {
      const next = {};
      at.next = next;
      at = next;
    }
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const shared = { x: 1 };
    class Point {
      x = 1;
    }
    const wide = Object.fromEntries(Array.from({ length: 300 }, (_, k) => [`k${k}`, { k }]));
    const notPlain = [
      deep,
      cycle,
      { long: 'x'.repeat(100), inner: {} },
      { items: Array.from({ length: 101 }, (_, k) => k) },
      wide,
      { [`${'k'.repeat(1100)}`]: { a: 1 } },
      { inner: { n: 10n } },
      { inner: { u: undefined } },
      { inner: { f: () => 1 } },
      { inner: { nan: Number.NaN } },
      { inner: new Point() },
      { inner: new Map([['a', 1]]) },
      { inner: new Date(0) },
      { inner: { toJSON: () => 'x' } },
      // biome-ignore lint/suspicious/noSparseArray: a hole is what this case is about.
      { inner: [1, , 3] },
      { inner: Object.create(null) },
    ];
    const encoder = new Encoder(undefined, limitsFor(64));
    for (const fields of notPlain) {
      const encoded = secondCall(fields, encoder);
      expect(typeof encoded, JSON.stringify(Object.keys(fields))).toBe('string');
    }
    // Shared references are plain data: written once per path, as JSON.stringify does.
    expect(secondCall({ a: shared, b: shared })).toBeInstanceOf(Template);
  });

  it('cut what the limits cut and count it, as the text path does', async () => {
    const sink = new MemoryPipeline();
    const log = new Logger('nested', testSetup(sink, { maxStringLength: 1024 }));
    const text = (i: number) => `${i}${'x'.repeat(1100)}`;
    for (let i = 0; i < 3; i++) log.info('state', { inner: { text: text(i) } });
    await log.flush();
    expect(sink.parsed().map((r) => (r.fields as { inner: { text: string } }).inner.text)).toEqual(
      [0, 1, 2].map((i) => `${text(i).slice(0, 1024)}…[truncated, 1101 chars]`),
    );
    expect(log.stats().cut).toBe(3);
    await log.shutdown();
  });

  it('keep the values of the moment of the call', async () => {
    const sink = new MemoryPipeline();
    const log = new Logger('nested', testSetup(sink));
    const fields = { progress: { step: 0, phase: 'warmup' }, losses: [0] };
    for (let step = 0; step < 4; step++) {
      fields.progress.step = step;
      fields.progress.phase = `phase ${step}`;
      fields.losses[0] = step / 2;
      log.info('progress', fields);
    }
    fields.progress.step = 99;
    await log.flush();
    expect(sink.parsed().map((r) => r.fields)).toEqual(
      [0, 1, 2, 3].map((step) => ({ progress: { step, phase: `phase ${step}` }, losses: [step / 2] })),
    );
    await log.shutdown();
  });

  it('are not used when the logger redacts: the paths still apply at every depth', async () => {
    const sink = new MemoryPipeline();
    const log = new Logger('nested', testSetup(sink, { redact: ['headers.authorization', '**.token'] }));
    for (let i = 0; i < 3; i++) {
      log.info('request', { headers: { authorization: `Bearer ${i}` }, deep: { a: { token: 't' } }, i });
    }
    await log.flush();
    for (const r of sink.parsed()) {
      expect(JSON.stringify(r.fields)).not.toContain('Bearer');
      expect(JSON.stringify(r.fields)).not.toMatch(/"token":"t"/);
    }
    await log.shutdown();
  });

  it('survive a getter that logs or throws while the fields are read', async () => {
    const sink = new MemoryPipeline();
    const log = new Logger('nested', testSetup(sink));
    const logging = {
      inner: {
        get value() {
          log.info('from a getter', { inner: { x: 1 } });
          return 7;
        },
      },
    };
    const throwing = {
      inner: {
        get value(): number {
          throw new Error('no');
        },
      },
    };
    for (let i = 0; i < 3; i++) {
      log.info('state', { i, inner: { list: [i, i + 1] } });
      log.info('logging', logging);
      log.info('throwing', throwing);
    }
    await log.flush();
    const records = sink.parsed();
    expect(records.filter((r) => r.msg === 'state').map((r) => r.fields)).toEqual(
      [0, 1, 2].map((i) => ({ i, inner: { list: [i, i + 1] } })),
    );
    expect(records.filter((r) => r.msg === 'logging').map((r) => r.fields)).toEqual(
      [0, 1, 2].map(() => ({ inner: { value: 7 } })),
    );
    // The getter runs while the record is read, so its own record comes first; each holds its own values.
    expect(
      records
        .filter((r) => r.msg === 'from a getter')
        .every((r) => (r.fields as { inner: { x: number } }).inner.x === 1),
    ).toBe(true);
    for (const r of records.filter((r) => r.msg === 'throwing')) {
      expect(JSON.stringify(r.fields)).toContain('getter threw: no');
    }
    await log.shutdown();
  });
});

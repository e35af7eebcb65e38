import { LINES_HEAD, type LogRecord } from '@pulselog/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseLines } from '../core/pack.js';
import { Stream, type StreamEvent } from './stream.js';

/** Stands in for the browser's WebSocket: records what is sent, lets the test play the server. */
class FakeSocket {
  static last: FakeSocket | undefined;
  readonly sent: unknown[] = [];
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  closed = false;
  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {
    FakeSocket.last = this;
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.closed = true;
  }
  serve(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  /** Sends records as the hub does: a batch frame in the lines form. */
  serveLines(records: readonly LogRecord[]) {
    this.onmessage?.({ data: `${LINES_HEAD}${linesOf(records)}` });
  }
}

const info = (id: string) => ({
  id,
  name: id,
  pid: 1,
  host: 'h',
  startedAt: 0,
  versions: { pulselog: '', node: '', protocol: 1 },
});
const hello = (id: string) => ({ type: 'hello', protocol: 1, lastSeq: 0, session: info(id) });
const linesOf = (records: readonly LogRecord[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');
const records = (from: number, count: number): LogRecord[] =>
  Array.from({ length: count }, (_, i) => ({ seq: from + i, ts: from + i, level: 'info', msg: `r${from + i}` }));

describe('Stream', () => {
  let events: StreamEvent[];
  let stream: Stream;
  const socket = () => FakeSocket.last as FakeSocket;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeSocket);
    events = [];
    stream = new Stream((event) => events.push(event));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('resumes after the records the page holds, then after the ones it handed on', () => {
    stream.connect('ws://x/ws', 'p', { sessionId: 'a', lastSeq: 10 });
    socket().serve(hello('a'));
    expect(socket().sent).toEqual([{ type: 'resume', sessionId: 'a', lastSeq: 10 }]);
    socket().serveLines(records(11, 5));
    // The page's count may lag behind what the stream handed on; the stream's own count wins.
    stream.connect('ws://x/ws', 'p', { sessionId: 'a', lastSeq: 10 });
    socket().serve(hello('a'));
    expect(socket().sent).toEqual([{ type: 'resume', sessionId: 'a', lastSeq: 15 }]);
  });

  it('starts a new session from its first record', () => {
    stream.connect('ws://x/ws', 'p', { sessionId: 'old', lastSeq: 99 });
    socket().serve(hello('new'));
    expect(socket().sent).toEqual([{ type: 'resume', sessionId: 'new', lastSeq: 0 }]);
  });

  it('hands on batches gathered into one packed run, in order with other messages', () => {
    stream.connect('ws://x/ws', 'p');
    socket().serve(hello('a'));
    // The first batch after the greeting goes out at once, so the page shows rows soon.
    socket().serveLines(records(1, 2));
    socket().serveLines(records(3, 3));
    socket().serveLines(records(6, 2));
    expect(events.map((e) => e.type === 'incoming' && e.value.type)).toEqual(['hello', 'records']);
    socket().serve({ type: 'end', reason: 'exit', at: 1, lastSeq: 7 });
    socket().serveLines(records(8, 1));
    vi.advanceTimersByTime(100);
    const kinds = events.map((e) => (e.type === 'incoming' ? e.value.type : e.type));
    expect(kinds).toEqual(['hello', 'records', 'records', 'end', 'records']);
    const gathered = events[2];
    if (gathered?.type !== 'incoming' || gathered.value.type !== 'records') throw new Error('no records');
    const packed = gathered.value.packed;
    expect((parseLines(packed.lines) as LogRecord[]).map((r) => r.seq)).toEqual([3, 4, 5, 6, 7]);
    // The run keeps the frames' lines, the text the hub sent, as the records' stored form.
    expect(packed.lines).toBe(linesOf(records(3, 5)));
    // Each record's line is found where the run says it starts, across the frames joined.
    const lineAt = (i: number) => packed.lines.slice(packed.lineStarts[i], (packed.lineStarts[i + 1] as number) - 1);
    expect(Array.from({ length: 5 }, (_, i) => lineAt(i))).toEqual(records(3, 5).map((r) => JSON.stringify(r)));
    expect(packed.lineStarts[5]).toBe(packed.lines.length);
  });

  it('refuses records not in the lines form, or lines that do not read, and hands on the rest', () => {
    stream.connect('ws://x/ws', 'p');
    socket().serve(hello('a'));
    socket().serve({ type: 'batch', records: records(1, 2) });
    socket().onmessage?.({ data: `${LINES_HEAD}{"seq":1,"ts":1,"level":"info","msg":"a"}\n{"seq":` });
    socket().serveLines(records(1, 2));
    const reasons = events.map((e) => (e.type === 'refused' ? e.reason : e.type));
    expect(reasons).toEqual([
      'incoming',
      'a batch not in the lines form',
      'a record line without its newline',
      'incoming',
    ]);
  });

  it('refuses records that do not follow the ones handed on, keeping each run in order', () => {
    stream.connect('ws://x/ws', 'p');
    socket().serve(hello('a'));
    socket().serveLines(records(1, 1));
    socket().serveLines(records(2, 3));
    socket().serveLines(records(3, 2));
    socket().serveLines(records(5, 1));
    vi.advanceTimersByTime(100);
    expect(events.flatMap((e) => (e.type === 'refused' ? [e.reason] : []))).toEqual(['records already received']);
    const runs = events.flatMap((e) => (e.type === 'incoming' && e.value.type === 'records' ? [e.value.packed] : []));
    expect(runs.map((run) => [...run.seqs])).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('reports refused messages and a closed socket, handing on what it gathered first', () => {
    stream.connect('ws://x/ws', 'p');
    socket().serve(hello('a'));
    socket().serve({ type: 'nonsense' });
    socket().serveLines(records(1, 2));
    socket().onclose?.({ code: 1006 });
    const kinds = events.map((e) => (e.type === 'incoming' ? e.value.type : e.type));
    expect(kinds).toEqual(['hello', 'refused', 'records', 'closed']);
  });

  it('ignores a socket it has replaced', () => {
    stream.connect('ws://x/ws', 'p');
    const old = socket();
    stream.connect('ws://x/ws', 'p');
    expect(old.closed).toBe(true);
    old.serve(hello('a'));
    old.onclose?.({ code: 1006 });
    expect(events).toEqual([]);
  });
});

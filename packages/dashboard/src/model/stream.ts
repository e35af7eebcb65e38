import { LINES_HEAD, type LogRecord, parseServerMessage } from '@pulselog/shared';
import type { Incoming } from '../core/incoming.js';
import { packLines, readRecords } from '../core/pack.js';
import { ChunkWriter } from './chunkwriter.js';
import { CHUNK_RECORDS } from './schema.js';

/** What a stream reports: a message to apply, one refused, or the socket closing. */
export type StreamEvent =
  | { type: 'incoming'; value: Incoming }
  | { type: 'refused'; reason: string }
  | { type: 'closed'; code: number }
  | { type: 'storage'; error: string };

/** Which records the page holds, so a new connection resumes after them. */
export interface ResumeFrom {
  sessionId: string | undefined;
  lastSeq: number;
}

/** What the page asks of a stream: a connection to open. */
export interface StreamCommand {
  type: 'connect';
  url: string;
  protocol: string;
  from?: ResumeFrom;
  /** The sessions database to write the records to, when the page keeps the session. */
  database?: string;
}

/** Longest a record waits to be handed on with the ones after it, in milliseconds. */
const GATHER_MS = 30;
/** Records handed on at once, at most: packing them is one task, which this keeps to a few milliseconds. */
const GATHER_RECORDS = CHUNK_RECORDS;

/**
 * The WebSocket to the dashboard server and what is done per record as it
 * arrives: parsing and checking each message, and packing the records of
 * batch frames (`packLines`) a couple of thousand at a time, so the session
 * takes them in as runs of a few flat values beside the JSON lines the hub
 * sent, kept as they came; and, when the page keeps the session, writing
 * those lines to IndexedDB (`ChunkWriter`). It answers the server's `hello`
 * with a `resume` naming the newest record it has handed on.
 *
 * It runs on the page's main thread, in tasks of a few milliseconds. In a
 * worker it measured worse on a loaded 2-core machine: the page's main thread
 * then waited on the CPU behind the worker more than it gained from the work
 * moved off it (see bench/README.md).
 */
export class Stream {
  private socket: WebSocket | undefined;
  private from: ResumeFrom = { sessionId: undefined, lastSeq: 0 };
  /** True once a server greeted this stream; from then on it knows best which records the page holds. */
  private greeted = false;
  /** True until the first records after a greeting went out: those are handed on at once, to show rows soon. */
  private first = true;
  /** Batch frames' lines gathered, the records read from them line by line, and where each frame's lines start. */
  private gathered: string[] = [];
  private gatheredRecords: LogRecord[][] = [];
  private gatheredStarts: Uint32Array[] = [];
  private gatheredCount = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chunks: ChunkWriter | undefined;

  constructor(private readonly emit: (event: StreamEvent) => void) {}

  /** Carries out a command from the page. */
  command(command: StreamCommand): void {
    if (command.database && !this.chunks) {
      this.chunks = new ChunkWriter(command.database, (error) => this.emit({ type: 'storage', error }));
    }
    this.connect(command.url, command.protocol, command.from);
  }

  /**
   * Opens a socket to `url`, replacing any open one; `from` says which
   * records the page holds, which counts until a server has greeted this
   * stream (records it handed on may not have reached the page's count yet).
   */
  connect(url: string, protocol: string, from?: ResumeFrom): void {
    this.close();
    if (from && !this.greeted) this.from = { ...from };
    const socket = new WebSocket(url, protocol);
    this.socket = socket;
    socket.onmessage = (event) => {
      if (this.socket === socket && typeof event.data === 'string') this.receive(socket, event.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.flush();
      this.emit({ type: 'closed', code: event.code });
    };
  }

  /** Closes the socket, handing on what was gathered first. */
  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
    this.flush();
  }

  private receive(socket: WebSocket, raw: string): void {
    if (raw.startsWith(LINES_HEAD)) {
      this.receiveLines(raw.slice(LINES_HEAD.length));
      return;
    }
    const parsed = parseServerMessage(raw);
    if (!parsed.ok) {
      this.emit({ type: 'refused', reason: parsed.reason });
      return;
    }
    const message = parsed.value;
    if (message.type === 'batch') {
      // The hub that served this page sends records in the lines form only, and the page keeps those lines.
      this.emit({ type: 'refused', reason: 'a batch not in the lines form' });
      return;
    }
    // Everything else keeps its place after the records before it.
    this.flush();
    if (message.type === 'hello') {
      this.greeted = true;
      this.first = true;
      // A new session starts from its first record; the same one from the newest record held.
      if (message.session.id !== this.from.sessionId) this.from = { sessionId: message.session.id, lastSeq: 0 };
      socket.send(JSON.stringify({ type: 'resume', sessionId: this.from.sessionId, lastSeq: this.from.lastSeq }));
    }
    this.emit({ type: 'incoming', value: message });
  }

  /** Takes the JSON lines of a batch frame, one record a line, read once here and kept as they came. */
  private receiveLines(lines: string): void {
    const read = readRecords(lines);
    if (!read.ok) {
      this.emit({ type: 'refused', reason: read.reason });
      return;
    }
    const records = read.records;
    if (records.length === 0) return;
    // The hub sends each record once, after the newest one handed on; a run of them stays in ascending order.
    if ((records[0] as LogRecord).seq <= this.from.lastSeq) {
      this.emit({ type: 'refused', reason: 'records already received' });
      return;
    }
    this.gathered.push(lines);
    this.gatheredRecords.push(records);
    this.gatheredStarts.push(read.lineStarts);
    this.gatheredCount += records.length;
    this.from.lastSeq = (records[records.length - 1] as LogRecord).seq;
    if (this.first || this.gatheredCount >= GATHER_RECORDS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), GATHER_MS);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.gatheredCount === 0) return;
    const one = this.gathered.length === 1;
    // Joined once, so the run is one flat string rather than a rope of frames, and packed once.
    const lines = one ? (this.gathered[0] as string) : this.gathered.join('');
    const records = one ? (this.gatheredRecords[0] as LogRecord[]) : this.gatheredRecords.flat();
    const starts = one ? (this.gatheredStarts[0] as Uint32Array) : joinStarts(this.gatheredStarts, this.gatheredCount);
    this.gathered = [];
    this.gatheredRecords = [];
    this.gatheredStarts = [];
    this.gatheredCount = 0;
    this.first = false;
    const packed = packLines(lines, records, starts);
    const sessionId = this.from.sessionId;
    if (this.chunks && sessionId !== undefined) this.chunks.write(sessionId, packed);
    this.emit({ type: 'incoming', value: { type: 'records', packed } });
  }
}

/** Where each line starts in frames' lines joined, from where they start in each frame (each ending with its length). */
function joinStarts(frames: readonly Uint32Array[], count: number): Uint32Array {
  const starts = new Uint32Array(count + 1);
  let at = 0;
  let offset = 0;
  for (const frame of frames) {
    const lines = frame.length - 1;
    for (let i = 0; i < lines; i++) starts[at + i] = offset + (frame[i] as number);
    at += lines;
    offset += frame[lines] as number;
  }
  starts[count] = offset;
  return starts;
}

/**
 * Entry of the dashboard hub's worker thread. It runs the HTTP and WebSocket
 * server and the replay buffer, so the page stays served and current even
 * while the logging program keeps its own thread busy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type CheckpointMessage,
  checkHealthMessage,
  checkProfileMessage,
  type EndMessage,
  type HealthMessage,
  type ProfileMessage,
} from '@pulselog/shared';
import { JoinReceiver, type JoinTarget } from '../join/receiver.js';
import { MetricsEndpoint } from '../metrics/endpoint.js';
import { Hub } from './hub.js';
import { type FromHub, type HubFeedMessage, type HubOptions, PROGRESS, type ToHub } from './messages.js';
import { OtlpReceiver, type OtlpTarget } from './otlp/receiver.js';
import { tokenMatches } from './security.js';
import { type DashboardServer, startServer } from './server.js';

const STATS_INTERVAL_MS = 1000;
/** Longest time tabs go without a `stats` message while nothing changes. */
const STATS_HEARTBEAT_MS = 10_000;
/** Time connected tabs get to read the last records and `end` before the server closes. */
const END_GRACE_MS = 2000;
/** How often the linger wait looks whether a tab holds everything. */
const LINGER_POLL_MS = 25;
/** Longest the end waits for the pipeline to pass on the rest of the session. */
const FEED_END_WAIT_MS = 10_000;
/** Records received over OTLP that may wait for the logging thread before further requests are turned away (503). */
const MAX_INGEST_BEHIND = 200_000;

type TakeChunk = (frame: Buffer, run: { firstSeq: number; lastSeq: number; count: number }, size: number) => void;

async function main(port: NonNullable<typeof parentPort>, options: HubOptions): Promise<void> {
  const post = (message: FromHub) => port.postMessage(message);
  const progress = options.progress ? new Int32Array(options.progress) : undefined;
  const signalEnded = () => {
    if (!progress) return;
    Atomics.store(progress, PROGRESS.ended, 1);
    Atomics.notify(progress, PROGRESS.ended);
  };
  const hub = new Hub(options.session, options.maxRecords, options.maxBytes, {
    subscribed: (clients) => post({ t: 'client', clients }),
  });
  /** Counts records taken in (or passed over), for the logger's thread. */
  const took = (count: number, size: number) => {
    if (!progress) return;
    Atomics.add(progress, PROGRESS.taken, count);
    Atomics.add(progress, PROGRESS.chars, size);
    Atomics.notify(progress, PROGRESS.taken);
  };
  /** Takes in a run of records as its frame, `size` being what the sender counted for it. */
  const take: TakeChunk = (frame, run, size) => {
    hub.append({ frame, firstSeq: run.firstSeq, lastSeq: run.lastSeq, count: run.count });
    took(run.count, size);
  };
  const targets = ingestTargets(post, progress);
  const otlp = new OtlpReceiver(options.otlpMaxBytes, targets.otlp);
  hub.reportOtlp(otlp.stats);
  const metrics = new MetricsEndpoint(() => post({ t: 'metrics-wanted' }));
  const joins = new JoinReceiver(targets.joins);
  hub.reportSources(() => joins.counts());
  let server: DashboardServer;
  try {
    server = await startServer(options, hub, otlp, undefined, metrics, joins);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    post({ t: 'error', code: e.code ?? 'ERR', message: e.message });
    signalEnded();
    return;
  }
  if (options.joinSocket !== undefined) {
    await joins
      .listenSocket(options.joinSocket, (presented) => tokenMatches(presented, options.token))
      .catch((err: Error) =>
        process.stderr.write(`pulselog: workers and child processes cannot join this dashboard: ${err.message}\n`),
      );
  }
  post({ t: 'listening', url: server.url, host: server.host, port: server.port });
  let lastCounters = '';
  let lastBroadcast = 0;
  const statsTimer = setInterval(() => {
    const stats = hub.stats();
    post({ t: 'stats', stats });
    // Tabs hear of counters when they change, and every few seconds regardless, not every tick.
    const { uptimeMs, memory, ...counters } = stats;
    const key = JSON.stringify(counters);
    if (key !== lastCounters || uptimeMs - lastBroadcast >= STATS_HEARTBEAT_MS) {
      hub.broadcastStats();
      lastCounters = key;
      lastBroadcast = uptimeMs;
    }
  }, STATS_INTERVAL_MS);
  let skipLinger: (() => void) | undefined;
  const fed = options.feed ? takeFeed(options.feed, hub, take, took) : Promise.resolve();
  // Once the feed is closed (the end line came, or the pipeline is gone), the logger may count what it never brought.
  void fed.then(() => {
    if (!progress) return;
    Atomics.store(progress, PROGRESS.feedClosed, 1);
    Atomics.notify(progress, PROGRESS.feedClosed);
  });

  const end = async (message: EndMessage, lingerMs: number) => {
    // The records of the session come from the pipeline, which may still be writing the last of them.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([fed, new Promise((resolve) => (timer = setTimeout(resolve, FEED_END_WAIT_MS)))]);
    clearTimeout(timer);
    if (lingerMs > 0 && hub.lastSeq > 0 && !hub.someClientHasAll()) {
      post({ t: 'lingering', lingerMs });
      await new Promise<void>((resolve) => {
        skipLinger = resolve;
        const deadline = Date.now() + lingerMs;
        const check = () => {
          if (hub.someClientHasAll() || Date.now() >= deadline) resolve();
          else setTimeout(check, LINGER_POLL_MS);
        };
        check();
      });
      skipLinger = undefined;
    }
    clearInterval(statsTimer);
    // The last counters go before `end`: nothing follows `end`.
    hub.broadcastStats();
    hub.finish(message);
    await waitDelivered(hub, END_GRACE_MS);
    await hub.closeAll(END_GRACE_MS);
    await joins.close();
    await server.close();
    post({ t: 'ended' });
    signalEnded();
  };

  port.on('message', (message: ToHub) => {
    switch (message.t) {
      case 'dropped':
        hub.noteDropped(message.from, message.to, message.count);
        break;
      case 'end':
        void end(message.message, message.lingerMs);
        break;
      case 'skip-linger':
        skipLinger?.();
        break;
      case 'metrics':
        metrics.take(message.snapshot);
        break;
      case 'checkpoint-store':
        hub.noteCheckpointStore(message.status);
        break;
    }
  });
}

/**
 * Where OTLP records and the records of joined loggers go: to the logging
 * thread, which queues them like its own records, so they reach the session
 * file, the outputs and this hub by the one road every record takes (see
 * DEVELOPERS.md). The hub never shows a record the pipeline did not bring.
 */
function ingestTargets(
  post: (message: FromHub) => void,
  progress: Int32Array | undefined,
): { otlp: OtlpTarget; joins: JoinTarget } {
  let posted = 0;
  const behind = () =>
    progress !== undefined && ((posted - Atomics.load(progress, PROGRESS.ingested)) | 0) > MAX_INGEST_BEHIND;
  return {
    otlp: {
      deliver(records) {
        posted = (posted + records.tails.length) | 0;
        post({ t: 'ingest', times: Float64Array.from(records.times), tails: records.tails });
      },
      behind,
    },
    joins: {
      deliver(source, times, tails) {
        posted = (posted + tails.length) | 0;
        post({ t: 'joined', source, times, tails });
      },
      behind,
      left: (source) => post({ t: 'left', source }),
    },
  };
}

/**
 * Takes in what the pipeline passes on, in the session file's order.
 * Resolves once the end line has come, or the pipeline is gone.
 */
function takeFeed(
  feed: NonNullable<HubOptions['feed']>,
  hub: Hub,
  take: TakeChunk,
  took: (count: number, size: number) => void,
): Promise<void> {
  return new Promise((resolve) => {
    feed.on('close', () => resolve());
    feed.on('message', (message: HubFeedMessage) => {
      switch (message.t) {
        case 'frame':
          take(Buffer.from(message.frame), message, message.chars);
          break;
        case 'skipped':
          hub.noteSkipped(message.from, message.to, message.count);
          took(message.count, 0);
          break;
        case 'line':
          if (takeLine(hub, message.text)) resolve();
          break;
        case 'file':
          hub.noteSessionFile(message.status);
          break;
        case 'outputs':
          hub.noteOutputs(message.outputs);
          break;
      }
    });
  });
}

/** Takes in a line of the session file other than a record; true for the end line. */
function takeLine(hub: Hub, text: string): boolean {
  let line: { type?: unknown; reason?: unknown; from?: unknown; to?: unknown; count?: unknown };
  try {
    line = JSON.parse(text);
  } catch {
    return false;
  }
  if (line.type === 'checkpoint') hub.checkpoint(line as CheckpointMessage);
  else if (line.type === 'health' && checkHealthMessage(line) === undefined) {
    hub.health(text.trimEnd(), line as unknown as HealthMessage);
  } else if (line.type === 'profile' && checkProfileMessage(line) === undefined) {
    hub.profile(text.trimEnd(), line as unknown as ProfileMessage);
  } else if (line.type === 'gap' && line.reason === 'dropped') {
    hub.noteDropped(line.from as number, line.to as number, line.count as number);
  }
  return line.type === 'end';
}

/** Resolves once every client has everything, or after `graceMs`. */
async function waitDelivered(hub: Hub, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (!hub.allDelivered() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

if (parentPort) void main(parentPort, workerData as HubOptions);

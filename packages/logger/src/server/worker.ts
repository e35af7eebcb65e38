/**
 * Entry of the dashboard hub's worker thread. It runs the HTTP and WebSocket
 * server and the replay buffer, so the page stays served and current even
 * while the logging program keeps its own thread busy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Hub } from './hub.js';
import type { FromHub, HubOptions, ToHub } from './messages.js';
import { startServer } from './server.js';

const STATS_INTERVAL_MS = 1000;

async function main(port: NonNullable<typeof parentPort>, options: HubOptions): Promise<void> {
  const post = (message: FromHub) => port.postMessage(message);
  const hub = new Hub(options.session, options.maxRecords, options.maxBytes);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(options, hub);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    post({ t: 'error', code: e.code ?? 'ERR', message: e.message });
    return;
  }
  post({ t: 'listening', url: server.url, host: server.host, port: server.port });
  const statsTimer = setInterval(() => {
    hub.broadcastStats();
    post({ t: 'stats', stats: hub.stats() });
  }, STATS_INTERVAL_MS);

  port.on('message', (message: ToHub) => {
    switch (message.t) {
      case 'records':
        hub.append(message);
        break;
      case 'checkpoint':
        hub.checkpoint(message.message);
        break;
      case 'dropped':
        hub.noteDropped(message.from, message.to, message.count);
        break;
      case 'end':
        hub.finish(message.message);
        clearInterval(statsTimer);
        hub.broadcastStats();
        void waitDelivered(hub).then(async () => {
          hub.closeAll();
          await server.close();
          post({ t: 'ended' });
        });
        break;
    }
  });
}

/** Resolves once every client has everything, or after a short grace period. */
async function waitDelivered(hub: Hub, graceMs = 2000): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (!hub.allDelivered() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

if (parentPort) void main(parentPort, workerData as HubOptions);

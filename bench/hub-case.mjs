// Part of `node hub.mjs` (see there): one measurement in a fresh process.
//   node hub-case.mjs <pulselog|ws-broadcast> <live|late|stall> <clients> <records> <deflate|plain>
// Prints one JSON line: records/s delivered to each client; for `stall`, the
// hub's memory while its one client reads nothing.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Logger } from '@pulselog/logger';
import { WebSocketServer } from 'ws';

async function health() {
  const { origin, hash } = new URL(target.url);
  const token = new URLSearchParams(hash.slice(1)).get('token');
  const res = await fetch(`${origin}/api/health`, { headers: { Authorization: `Bearer ${token}` } });
  return res.json();
}

const [system, mode, clientsArg, recordsArg, deflate] = process.argv.slice(2);
const clientCount = Number(clientsArg);
const records = Number(recordsArg);
const CLIENTS = fileURLToPath(new URL('./hub-clients.mjs', import.meta.url));

/** The baseline: a bare `ws` server sending every client each batch, no replay and no backpressure. */
function startBroadcast() {
  // Without compression, as pulselog on loopback: the fastest plain `ws` can go.
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  let seq = 0;
  wss.on('connection', (ws) => ws.send('{"type":"hello"}'));
  return new Promise((resolve) =>
    wss.on('listening', () =>
      resolve({
        url: `http://127.0.0.1:${wss.address().port}/#token=x`,
        log(n) {
          for (let done = 0; done < n; ) {
            const size = Math.min(1024, n - done);
            const lines = [];
            for (let i = 0; i < size; i++) {
              seq++;
              lines.push(`{"seq":${seq},"ts":${Date.now()},"level":"info","msg":"hello world","fields":{"i":${seq}}}`);
            }
            const text = `{"type":"batch","records":[${lines.join(',')}]}`;
            for (const ws of wss.clients) ws.send(text);
            done += size;
          }
        },
      }),
    ),
  );
}

async function startPulselog() {
  const log = new Logger('bench-hub', { open: false, port: 0, sessionDir: false, linger: 0, queueSize: 10_000_000 });
  const url = await log.dashboardUrl();
  return {
    url,
    log(n) {
      for (let i = 0; i < n; i++) log.info('hello world', { i });
      log.flush();
    },
  };
}

const target = system === 'pulselog' ? await startPulselog() : await startBroadcast();
const clients = fork(CLIENTS, [target.url, String(clientCount), deflate, mode], { stdio: 'inherit' });
const next = (t) =>
  new Promise((resolve) => {
    const on = (m) => {
      if (m.t !== t) return;
      clients.off('message', on);
      resolve(m);
    };
    clients.on('message', on);
  });

const now = () => performance.timeOrigin + performance.now();
if (mode === 'stall') {
  clients.send({ t: 'connect' });
  await next('ready');
  const before = await health();
  const start = now();
  for (let done = 0; done < records; done += 100_000) {
    target.log(Math.min(100_000, records - done));
    await new Promise((r) => setImmediate(r));
  }
  // Let the hub take in every record before it is measured.
  while ((await health()).received < records) await new Promise((r) => setTimeout(r, 50));
  const after = await health();
  clients.send({ t: 'exit' });
  console.log(JSON.stringify({ before, after, seconds: (now() - start) / 1000 }));
  process.exit(0);
}

let start;
if (mode === 'late') {
  // Tabs that open late: the records wait in the replay buffer first.
  target.log(records);
  await new Promise((r) => setTimeout(r, 500));
  start = now();
  clients.send({ t: 'target', seq: records });
  clients.send({ t: 'connect' });
} else {
  clients.send({ t: 'connect' });
  await next('ready');
  clients.send({ t: 'target', seq: records });
  start = now();
  target.log(records);
}
const done = await next('done');
const elapsed = (done.at - start) / 1000;
clients.send({ t: 'exit' });
console.log(JSON.stringify({ perClient: records / elapsed }));
process.exit(0);

// Part of `node hub.mjs` (see there): N dashboard clients in a process of
// their own, so they do not compete with the hub for its thread. Connects
// when told `connect`, reports `ready` once every client is subscribed and
// `done` (with the time) once every client holds the seq given by `target`.
import WebSocket from 'ws';

const [url, countArg, deflateArg, stallArg] = process.argv.slice(2);
const count = Number(countArg);
const { origin, port, hash } = new URL(url);
const token = new URLSearchParams(hash.slice(1)).get('token') ?? '';
const clients = [];
let target = Number.POSITIVE_INFINITY;

function check() {
  if (clients.length === count && clients.every((c) => c.lastSeq >= target)) {
    process.send({ t: 'done', at: performance.timeOrigin + performance.now() });
    target = Number.POSITIVE_INFINITY;
  }
}

function connect() {
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, 'pulselog.v1', {
      origin,
      perMessageDeflate: deflateArg === 'deflate',
    });
    const client = { ws, lastSeq: 0, subscribed: false };
    clients.push(client);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('{"type":"batch"')) {
        // The last record's seq, read without parsing the whole batch.
        const at = text.lastIndexOf('{"seq":');
        client.lastSeq = Number.parseInt(text.slice(at + 7, at + 24), 10);
        if (client.lastSeq >= target) check();
        return;
      }
      const message = JSON.parse(text);
      if (message.type === 'hello') {
        ws.send(JSON.stringify({ type: 'resume', lastSeq: 0 }));
        client.subscribed = true;
        if (stallArg === 'stall') ws._socket.pause();
        if (clients.length === count && clients.every((c) => c.subscribed)) process.send({ t: 'ready' });
      }
    });
  }
}

process.on('message', (message) => {
  if (message.t === 'connect') connect();
  if (message.t === 'target') {
    target = message.seq;
    check();
  }
  if (message.t === 'exit') process.exit(0);
});

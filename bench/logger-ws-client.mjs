// A dashboard client for the logger benchmark, run in its own process so its
// work does not count against the logger: `node logger-ws-client.mjs <url> <mark> <total>`.
// Connects with the token and Origin the dashboard page would use, counts the
// records it receives, and prints a JSON line when it holds `mark` records
// (the end of the timed phase) and when it holds `total`. Records the hub
// announces as missing (a `gap`: skipped when the dashboard fell behind the
// program, evicted when this client fell behind the hub; either way they are
// in the session file) count towards those marks, and are reported apart.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const [url, markArg, totalArg] = process.argv.slice(2);
const mark = Number(markArg);
const total = Number(totalArg);
const page = new URL(url);
const token = new URLSearchParams(page.hash.slice(1)).get('token');
const ws = new WebSocket(`ws://${page.host}/ws?token=${token}`, 'pulselog.v1', { headers: { Origin: page.origin } });
const now = () => performance.timeOrigin + performance.now();
let received = 0;
let missed = 0;
let marked = false;
const check = () => {
  const seen = received + missed;
  if (!marked && seen >= mark) {
    marked = true;
    console.log(JSON.stringify({ t: 'mark', at: now(), received, missed }));
  }
  if (seen >= total) {
    console.log(JSON.stringify({ t: 'done', at: now(), received, missed }));
    ws.close();
  }
};
/** First line of a batch in the lines form (`LINES_HEAD` in @pulselog/shared): parsed as one array, as the page does. */
const LINES_HEAD = '{"type":"lines"}\n';
const parse = (text) =>
  text.startsWith(LINES_HEAD)
    ? { type: 'batch', records: JSON.parse(`[${text.slice(LINES_HEAD.length, -1).replaceAll('\n', ',')}]`) }
    : JSON.parse(text);
ws.on('message', (raw) => {
  const message = parse(raw.toString());
  if (message.type === 'hello') {
    ws.send(JSON.stringify({ type: 'resume', lastSeq: 0 }));
    console.log(JSON.stringify({ t: 'ready' }));
  } else if (message.type === 'batch') {
    received += message.records.length;
    check();
  } else if (message.type === 'gap') {
    missed += message.count;
    check();
  }
});
ws.on('error', (err) => {
  console.log(JSON.stringify({ t: 'error', message: err.message }));
  process.exit(1);
});

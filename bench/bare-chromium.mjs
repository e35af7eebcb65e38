// A headless Chromium driven over a bare DevTools pipe
// (`--remote-debugging-pipe`), with no DevTools domain on but the ones a caller
// enables: a tab as a user has it. Used by bench/cli-pipe.mjs to time a tab
// taking in a flood of records. Playwright enables the Network domain on every
// page it drives, and then the tab serializes each WebSocket message it
// receives (hundreds of KiB each in a flood) into a DevTools event that the
// browser process forwards to the driver: about a third of the tab's CPU time
// in that benchmark was the driver's, not the page's.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

/**
 * Starts headless Chromium with a fresh profile (in a directory named from
 * `profilePrefix`, which `processTree` finds its processes by). Returns the
 * profile's directory, `newPage(url)` and `close()`.
 */
export async function launchBareChromium(profilePrefix) {
  const profile = mkdtempSync(join(tmpdir(), profilePrefix));
  const child = spawn(
    findChromium(),
    [
      ...CHROMIUM_ARGS,
      '--headless',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      '--window-size=1280,800',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const toBrowser = child.stdio[3];
  const fromBrowser = child.stdio[4];
  let nextId = 0;
  const waiting = new Map();
  const listeners = new Set();
  // Messages are JSON, each ended by a NUL byte.
  let pending = [];
  fromBrowser.on('data', (chunk) => {
    let start = 0;
    for (let end = chunk.indexOf(0); end !== -1; end = chunk.indexOf(0, start)) {
      pending.push(chunk.subarray(start, end));
      const message = JSON.parse(Buffer.concat(pending).toString('utf8'));
      pending = [];
      start = end + 1;
      const reply = waiting.get(message.id);
      if (reply) {
        waiting.delete(message.id);
        reply(message);
      } else if (message.method) for (const listener of listeners) listener(message);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  });
  const send = (method, params = {}, sessionId = undefined) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, (message) =>
        message.error ? reject(new Error(`${method}: ${message.error.message}`)) : resolve(message.result),
      );
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  const launched = Promise.race([
    send('Browser.getVersion'),
    exited.then(() => Promise.reject(new Error(`Chromium did not start: ${stderr}`))),
  ]);
  await launched;
  return {
    profile,
    /**
     * Opens `url` in a new tab. Returns `evaluate(expression)` (its value),
     * `send(method, params)` and `on(event, fn)` for the tab's DevTools
     * session, and `close()`.
     */
    async newPage(url) {
      const { targetId } = await send('Target.createTarget', { url });
      const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
      return {
        send: (method, params) => send(method, params, sessionId),
        on(event, fn) {
          listeners.add((message) => {
            if (message.sessionId === sessionId && message.method === event) fn(message.params);
          });
        },
        async evaluate(expression) {
          const { result, exceptionDetails } = await send(
            'Runtime.evaluate',
            { expression, returnByValue: true },
            sessionId,
          );
          if (exceptionDetails) throw new Error(`evaluate: ${exceptionDetails.text}`);
          return result.value;
        },
        close: () => send('Target.closeTarget', { targetId }),
      };
    },
    async close() {
      // Asked first, so that every process of the browser is gone before its profile is removed.
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await send('Browser.close').catch(() => child.kill('SIGKILL'));
      await exited;
      clearTimeout(kill);
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

import { Stream, type StreamCommand, type StreamEvent } from './stream.js';

/** A `Stream` in a worker, or on the page where no worker can start. */
export interface StreamHost {
  /** Sends the stream a command. */
  send(command: StreamCommand): void;
  /** Stops the stream for good. */
  stop(): void;
}

/**
 * Starts a `Stream` in a module worker (Vite bundles it as a same-origin
 * file, which the page's Content-Security-Policy allows). Where no worker
 * starts, or the worker fails, the stream runs on the page instead and is
 * reported closed, so the connection reconnects and resumes from what the
 * page holds.
 */
export function startStream(
  onEvent: (event: StreamEvent) => void,
  useWorker = typeof Worker !== 'undefined',
): StreamHost {
  let worker: Worker | undefined;
  let local: Stream | undefined;
  if (useWorker) {
    try {
      worker = new Worker(new URL('./stream.worker.ts', import.meta.url), { type: 'module', name: 'pulselog-stream' });
    } catch {
      worker = undefined;
    }
  }
  if (worker) {
    worker.onmessage = (event: MessageEvent<StreamEvent>) => onEvent(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      console.warn(`pulselog: streaming on the page itself: ${event.message || 'the worker failed'}`);
      worker?.terminate();
      worker = undefined;
      local = new Stream(onEvent);
      onEvent({ type: 'closed', code: 1006 });
    };
  } else local = new Stream(onEvent);
  return {
    send(command) {
      if (worker) worker.postMessage(command);
      else local?.command(command);
    },
    stop() {
      worker?.terminate();
      worker = undefined;
      local?.close();
    },
  };
}

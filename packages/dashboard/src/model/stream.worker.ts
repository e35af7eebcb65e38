// The page's stream worker: the WebSocket, parsing and packing, off the main thread (see `Stream`).
import { transferables } from '../core/pack.js';
import { Stream, type StreamCommand, type StreamEvent } from './stream.js';

/** The part of a dedicated worker's global scope used here (the DOM typings describe a window). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<StreamCommand>) => void) | null;
  postMessage(message: StreamEvent, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const stream = new Stream((event) => {
  const transfer = event.type === 'incoming' && event.value.type === 'records' ? transferables(event.value.packed) : [];
  scope.postMessage(event, transfer);
});

scope.onmessage = (event) => stream.command(event.data);

/**
 * The `otlp` output's encoder thread: runs of record lines in, gzip-compressed
 * OTLP request bodies out. Mapping, serializing and compressing cost the
 * output nearly all of its CPU time; here they take a core of their own, so
 * that the pipeline thread goes on formatting, fanning out and sending while
 * the next request is encoded. Started by `otlp-encoder.ts`, which describes
 * the messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { LEVELS } from '@pulselog/shared';
import { GZIP_OPTIONS } from './http.js';
import type { EncodeReply, EncodeRequest, EncoderSetup } from './otlp-encoder.js';
import { LogsRequestWriter } from './otlp-protobuf.js';
import { loadOpenTelemetry, SEVERITY, toLogRecords } from './otlp-records.js';

const port = parentPort;
if (port === null) throw new Error('otlp-worker.js runs as a worker thread of the otlp output');
const setup = workerData as EncoderSetup;

try {
  const encode = encoder(setup);
  port.on('message', ({ id, lines }: EncodeRequest) => {
    let reply: EncodeReply;
    try {
      // Copied once into a buffer of its own to be moved: zlib's result is a view of a larger chunk.
      reply = { id, body: new Uint8Array(gzipSync(encode(lines), GZIP_OPTIONS)) };
    } catch (err) {
      reply = { id, error: (err as Error).message };
    }
    port.postMessage(reply, 'body' in reply ? [reply.body.buffer as ArrayBuffer] : []);
  });
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ ready: false, error: (err as Error).message });
}

/** Lines to an uncompressed body: protobuf written here, JSON by the official serializer. */
function encoder({ protocol, resource, scope }: EncoderSetup): (lines: readonly string[]) => Uint8Array {
  if (protocol === 'http/protobuf') {
    const writer = new LogsRequestWriter(resource, scope, (level) => SEVERITY[level] ?? LEVELS[level]);
    return (lines) => writer.encode(lines);
  }
  const { serializer, resourceFromAttributes } = loadOpenTelemetry(protocol);
  // One resource and one scope object for every record: the serializer groups records by their identity.
  const shared = resourceFromAttributes(resource);
  return (lines) => {
    const body = serializer.serializeRequest(toLogRecords(lines, shared, scope));
    if (body === undefined) throw new Error('the OTLP serializer returned nothing');
    return body;
  };
}

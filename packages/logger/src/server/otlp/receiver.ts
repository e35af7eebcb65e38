import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OtlpStats } from '@pulselog/shared';
import { SECURITY_HEADERS } from '../security.js';
import { BodyError, decompress, encodingOf, type OtlpEncoding, parseBody } from './decode.js';
import { BadRequestError, type MappedRecords, mapLogsRequest } from './map.js';
import { encodeMessage, logsServiceTypes } from './proto.js';

/** Where OTLP/HTTP exporters send logs. */
export const OTLP_LOGS_PATH = '/v1/logs';
/** Bodies read at once; more wait for a retry (503), so a burst of large ones cannot pile up in memory. */
const MAX_BODIES_IN_FLIGHT = 4;
/** Seconds an exporter is asked to wait before it retries a request turned away for now. */
const RETRY_AFTER_S = 1;

/** Where received records go, and whether the logger can take more now. */
export interface OtlpTarget {
  /** Hands records on to the logging thread; they take the logger's own road from there. */
  deliver(records: MappedRecords): void;
  /** True while the logger is too far behind with what it was handed. */
  behind(): boolean;
}

/**
 * `POST /v1/logs`: OTLP/HTTP logs in JSON or protobuf, gzipped or not, each
 * body at most `maxBytes` (packed and unpacked). The server has checked the
 * token, the Host and the Origin before it calls `handle`. Bad input is
 * answered with a status and counted (`stats`), never thrown.
 */
export class OtlpReceiver {
  /** Counters for the hub's stats; this object is updated in place. */
  readonly stats: OtlpStats = { records: 0, rejectedRecords: 0, badRequests: 0, busy: 0 };
  private inFlight = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly target: OtlpTarget,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const encoding = encodingOf(req.headers['content-type']);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      this.refuse(req, res, encoding ?? 'json', new BodyError(405, 'only POST is accepted here'), false);
    } else if (encoding === undefined) {
      const error = new BodyError(415, 'Content-Type must be application/json or application/x-protobuf');
      this.refuse(req, res, 'json', error);
    } else if (this.inFlight >= MAX_BODIES_IN_FLIGHT || this.target.behind()) {
      this.stats.busy++;
      res.setHeader('Retry-After', String(RETRY_AFTER_S));
      this.refuse(req, res, encoding, new BodyError(503, 'the logger is busy; retry later'), false);
    } else {
      this.inFlight++;
      void this.receive(req, res, encoding).finally(() => this.inFlight--);
    }
  }

  private async receive(req: IncomingMessage, res: ServerResponse, encoding: OtlpEncoding): Promise<void> {
    let mapped: MappedRecords;
    try {
      const packed = await readBody(req, this.maxBytes);
      const body = await decompress(packed, req.headers['content-encoding'], this.maxBytes);
      mapped = mapLogsRequest(await parseBody(body, encoding), Date.now());
    } catch (err) {
      if (err instanceof BadRequestError) return this.refuse(req, res, encoding, new BodyError(400, err.message));
      if (err instanceof BodyError) return this.refuse(req, res, encoding, err);
      return this.refuse(
        req,
        res,
        encoding,
        new BodyError(400, `the body could not be read: ${(err as Error).message}`),
      );
    }
    if (mapped.tails.length > 0) this.target.deliver(mapped);
    this.stats.records += mapped.tails.length;
    this.stats.rejectedRecords += mapped.rejected;
    const response =
      mapped.rejected === 0
        ? {}
        : { partialSuccess: { rejectedLogRecords: mapped.rejected, errorMessage: mapped.errorMessage ?? '' } };
    await send(res, 200, encoding, response, false);
  }

  /** Answers with `error`'s status; counted as a bad request unless `bad` is false (busy, wrong method). */
  private refuse(
    req: IncomingMessage,
    res: ServerResponse,
    encoding: OtlpEncoding,
    error: BodyError,
    bad = true,
  ): void {
    if (bad) this.stats.badRequests++;
    // The rest of a body we will not read is not worth the bandwidth: the connection closes after the answer.
    const unread = !req.complete;
    void send(res, error.status, encoding, { code: error.status, message: error.message }, true).then(() => {
      if (unread) req.socket.destroySoon();
    });
  }
}

/** Reads the whole body, refusing (413) one that announces or reaches more than `maxBytes`. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else {
        req.off('data', onData);
        req.pause();
        reject(tooLarge(maxBytes));
      }
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function tooLarge(maxBytes: number): BodyError {
  return new BodyError(413, `the body is larger than ${maxBytes} bytes`);
}

/**
 * Sends `message` in the request's encoding: an `ExportLogsServiceResponse`,
 * or for an error (`isStatus`) a `google.rpc.Status`, as the specification asks.
 */
async function send(
  res: ServerResponse,
  status: number,
  encoding: OtlpEncoding,
  message: object,
  isStatus: boolean,
): Promise<void> {
  let body: Uint8Array | string;
  if (encoding === 'json') body = JSON.stringify(message);
  else {
    const types = await logsServiceTypes();
    body = encodeMessage(isStatus ? types.status : types.response, message);
  }
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    'Cache-Control': 'no-store',
    ...(isStatus ? { Connection: 'close' } : {}),
  });
  await new Promise<void>((resolve) => res.end(body, resolve));
}

import { gunzip } from 'node:zlib';
import { decodeLogsRequest, logsServiceTypes } from './proto.js';

/** The two encodings OTLP/HTTP defines. */
export type OtlpEncoding = 'json' | 'protobuf';

/** A body refused with an HTTP status and a reason. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The encoding a `Content-Type` names, or `undefined` for one OTLP does not define. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf') return 'protobuf';
  return undefined;
}

/** Undoes `Content-Encoding` (gzip or none), never producing more than `maxBytes`. */
export async function decompress(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const coding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (coding === 'identity' || coding === '') return body;
  if (coding !== 'gzip') throw new BodyError(415, `Content-Encoding ${coding} is not supported; use gzip or none`);
  return new Promise((resolve, reject) => {
    // The limit holds for what the body unpacks to, so a small bomb cannot fill the hub's memory.
    gunzip(body, { maxOutputLength: maxBytes }, (err, out) => {
      if (!err) resolve(out);
      else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        reject(new BodyError(413, `the body unpacks to more than ${maxBytes} bytes`));
      } else reject(new BodyError(400, `the gzip body is damaged: ${err.message}`));
    });
  });
}

/** Parses a whole body in `encoding` into the request as plain data (OTLP/JSON's shape). */
export async function parseBody(body: Buffer, encoding: OtlpEncoding): Promise<unknown> {
  if (encoding === 'json') {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new BodyError(400, `the body is not JSON: ${(err as Error).message}`);
    }
  }
  const types = await logsServiceTypes();
  try {
    return decodeLogsRequest(types, body);
  } catch (err) {
    throw new BodyError(400, `the body is not an ExportLogsServiceRequest: ${(err as Error).message}`);
  }
}

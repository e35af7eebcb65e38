import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Type } from 'protobufjs';

/** The official OTLP `.proto` files, shipped beside `dist` (see `proto/README.md`). */
const PROTO_DIR = fileURLToPath(new URL('../../../proto/', import.meta.url));
const SERVICE_FILE = 'opentelemetry/proto/collector/logs/v1/logs_service.proto';

/** The two messages of the logs service, as protobufjs types. */
export interface LogsServiceTypes {
  request: Type;
  response: Type;
  /** `google.rpc.Status`, the body of a refusal. */
  status: Type;
}

let loading: Promise<LogsServiceTypes> | undefined;

/**
 * Loads protobufjs and the OTLP logs service definitions, once, on the first
 * protobuf body: a dashboard that only ever sees JSON (or nothing) never pays for them.
 */
export function logsServiceTypes(): Promise<LogsServiceTypes> {
  loading ??= (async () => {
    const { default: protobuf } = await import('protobufjs');
    const root = new protobuf.Root();
    // The files import each other by their path under the proto root, as `protoc -I proto` would resolve them.
    root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
    await root.load(SERVICE_FILE, { keepCase: false });
    // google/rpc/status.proto's fields; `details` (3) is never sent.
    const status = new protobuf.Type('Status')
      .add(new protobuf.Field('code', 1, 'int32'))
      .add(new protobuf.Field('message', 2, 'string'));
    root.add(status);
    return {
      status,
      request: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
      response: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
    };
  })();
  return loading;
}

/**
 * Decodes an `ExportLogsServiceRequest` into the shape OTLP/JSON has (camelCase
 * keys; 64-bit integers as decimal strings; ids still as bytes, which
 * `mapLogsRequest` turns into hex). Throws on a body that is not one, or is cut short.
 */
export function decodeLogsRequest(types: LogsServiceTypes, body: Uint8Array): unknown {
  const message = types.request.decode(body);
  return types.request.toObject(message, { longs: String, enums: Number, arrays: false, defaults: false });
}

/** Encodes an `ExportLogsServiceResponse` (`{}` or `{ partialSuccess }`), or with `type` a `Status`. */
export function encodeMessage(type: Type, message: object): Uint8Array {
  return type.encode(type.fromObject(message)).finish();
}

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { FIELD } from './otlp-fields.js';

const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));

/** The package of each message `FIELD` names. */
const PACKAGE: Record<keyof typeof FIELD, string> = {
  ExportLogsServiceRequest: 'opentelemetry.proto.collector.logs.v1',
  ResourceLogs: 'opentelemetry.proto.logs.v1',
  ScopeLogs: 'opentelemetry.proto.logs.v1',
  LogRecord: 'opentelemetry.proto.logs.v1',
  Resource: 'opentelemetry.proto.resource.v1',
  InstrumentationScope: 'opentelemetry.proto.common.v1',
  KeyValue: 'opentelemetry.proto.common.v1',
  AnyValue: 'opentelemetry.proto.common.v1',
  ArrayValue: 'opentelemetry.proto.common.v1',
  KeyValueList: 'opentelemetry.proto.common.v1',
};

describe('FIELD', () => {
  it('numbers every field and gives it the wire type of its type, as the official .proto files do', async () => {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
    await root.load('opentelemetry/proto/collector/logs/v1/logs_service.proto', { keepCase: true });
    root.resolveAll();
    const checked: string[] = [];
    for (const [message, fields] of Object.entries(FIELD)) {
      const type = root.lookupType(`${PACKAGE[message as keyof typeof FIELD]}.${message}`);
      for (const [name, tag] of Object.entries(fields as Record<string, number>)) {
        const field = type.fields[name];
        if (field === undefined) throw new Error(`${message}.${name} is not in the .proto`);
        const wire =
          field.resolvedType instanceof protobuf.Type
            ? 2
            : field.resolvedType instanceof protobuf.Enum
              ? 0
              : (protobuf.types.basic as Record<string, number>)[field.type];
        expect({ field: `${message}.${name}`, id: tag >>> 3, wire: tag & 7 }).toEqual({
          field: `${message}.${name}`,
          id: field.id,
          wire,
        });
        checked.push(`${message}.${name}`);
      }
    }
    expect(checked).toHaveLength(27);
  });
});

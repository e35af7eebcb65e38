/**
 * The keys (field number and wire type, `id << 3 | wire`) of the OTLP logs
 * messages' fields that the `otlp` output writes, named once, as the official
 * `.proto` files in `packages/logger/proto` number them. `otlp-fields.test.ts`
 * checks every one against those files, loaded with protobufjs.
 */

/** protobuf's wire types. */
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

const key = (id: number, wire: number) => (id << 3) | wire;

/** Each message's field keys, under the message's and the field's names in the `.proto`. */
export const FIELD = {
  ExportLogsServiceRequest: { resource_logs: key(1, LEN) },
  ResourceLogs: { resource: key(1, LEN), scope_logs: key(2, LEN) },
  Resource: { attributes: key(1, LEN) },
  ScopeLogs: { scope: key(1, LEN), log_records: key(2, LEN) },
  InstrumentationScope: { name: key(1, LEN), version: key(2, LEN) },
  LogRecord: {
    time_unix_nano: key(1, I64),
    severity_number: key(2, VARINT),
    severity_text: key(3, LEN),
    body: key(5, LEN),
    attributes: key(6, LEN),
    flags: key(8, I32),
    trace_id: key(9, LEN),
    span_id: key(10, LEN),
    observed_time_unix_nano: key(11, I64),
  },
  KeyValue: { key: key(1, LEN), value: key(2, LEN) },
  AnyValue: {
    string_value: key(1, LEN),
    bool_value: key(2, VARINT),
    int_value: key(3, VARINT),
    double_value: key(4, I64),
    array_value: key(5, LEN),
    kvlist_value: key(6, LEN),
  },
  ArrayValue: { values: key(1, LEN) },
  KeyValueList: { values: key(1, LEN) },
} as const;

import type { SessionModel } from '../model/session.js';
import { RecordRow } from './RecordRow.js';

/** The records, oldest first. */
export function RecordList({ model }: { model: SessionModel }) {
  // Reading the version subscribes this component to every append.
  model.version.value;
  return (
    <ul class="list" aria-label="log records" data-testid="record-list">
      {model.records.map((record) => (
        <RecordRow key={record.seq} record={record} />
      ))}
    </ul>
  );
}

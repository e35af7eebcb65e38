import type { Connection } from '../model/connection.js';
import type { SessionModel } from '../model/session.js';
import { RecordList } from './RecordList.js';
import { StatusBar } from './StatusBar.js';

/** The dashboard page. */
export function App({ model, connection }: { model: SessionModel; connection: Connection }) {
  return (
    <div class="app">
      <StatusBar model={model} connection={connection} />
      <main>
        <RecordList model={model} />
      </main>
    </div>
  );
}

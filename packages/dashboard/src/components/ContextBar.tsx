import type { ViewModel } from '../model/view.js';

/** Says the list shows a record's context, with the way back to the filter that found it. */
export function ContextBar({ view }: { view: ViewModel }) {
  const context = view.context.value;
  if (!context) return null;
  return (
    <div class="banner context-bar" role="status" data-testid="context-bar">
      Context of record #{context.seq}: every record of {context.source}.
      <button type="button" class="link" data-testid="leave-context" onClick={() => view.leaveContext()}>
        back to {context.back.query ? `“${context.back.query}”` : 'the filter'}
      </button>
    </div>
  );
}

import type { OutputStatus } from '@pulselog/shared';
import { summarizeOutput } from '../core/outputs.js';
import { SafeText } from './SafeText.js';

/**
 * Each output of the logger, compact, in the status bar: what it sent, what
 * waits for a retry or sits in its spool, what it lost and its last error;
 * every counter in the tooltip. An output that lost records is an alert.
 */
export function OutputsStatus({ outputs }: { outputs: readonly OutputStatus[] }) {
  if (outputs.length === 0) return null;
  return (
    <span class="outputs" data-testid="outputs">
      {outputs.map((output) => {
        const s = summarizeOutput(output);
        return (
          <span
            key={s.name}
            class={`output output-${s.state}`}
            data-testid="output"
            data-state={s.state}
            title={s.title}
            role={s.state === 'losing' ? 'alert' : undefined}
          >
            {s.state === 'losing' ? '⚠ ' : s.state === 'retrying' ? '↻ ' : ''}
            <SafeText text={s.name} />: <SafeText text={s.text} />
          </span>
        );
      })}
    </span>
  );
}

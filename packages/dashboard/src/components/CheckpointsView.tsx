import type { Checkpoint } from '@pulselog/shared';
import { formatDateTime } from '../core/text.js';
import type { SessionModel } from '../model/session.js';
import { JsonTree } from './JsonTree.js';
import { SafeText } from './SafeText.js';

/** Progress of one checkpoint, 0 to 100: its own figure, or 100 when done and 0 otherwise. */
export function checkpointProgress(c: Checkpoint): number {
  if (typeof c.progress === 'number' && Number.isFinite(c.progress)) return Math.min(100, Math.max(0, c.progress));
  return c.status === 'DONE' ? 100 : 0;
}

/**
 * Average progress across checkpoints, 0 when there are none. A FAILED
 * checkpoint that gave no figure of its own says nothing about how far the
 * work got, so it is left out rather than counted as 0%.
 */
export function overallProgress(checkpoints: readonly Checkpoint[]): number {
  const counted = checkpoints.filter((c) => c.status !== 'FAILED' || typeof c.progress === 'number');
  if (counted.length === 0) return 0;
  return counted.reduce((sum, c) => sum + checkpointProgress(c), 0) / counted.length;
}

function Progress({ value, label, tone = '' }: { value: number; label: string; tone?: string }) {
  return (
    <div
      class={`progress ${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(value)}
    >
      <div class="progress-fill" style={{ width: `${value}%` }} />
    </div>
  );
}

function Card({ checkpoint }: { checkpoint: Checkpoint }) {
  const progress = checkpointProgress(checkpoint);
  const status = checkpoint.status ?? 'IN_PROGRESS';
  return (
    <article
      class="card"
      data-testid="checkpoint"
      data-name={checkpoint.name}
      aria-label={`checkpoint ${checkpoint.name}`}
    >
      <header class="card-head">
        <strong class="card-name">
          <SafeText text={checkpoint.name} />
        </strong>
        <span class={`status status-${status.toLowerCase()}`}>{status}</span>
      </header>
      <Progress value={progress} label={`${checkpoint.name} progress`} tone={`progress-${status.toLowerCase()}`} />
      <div class="card-meta">
        <span>{Math.round(progress)}%</span>
        <time dateTime={new Date(checkpoint.ts).toISOString()}>saved {formatDateTime(checkpoint.ts)}</time>
      </div>
      {checkpoint.note ? (
        <p class="card-note">
          <SafeText text={checkpoint.note} />
        </p>
      ) : null}
      <JsonTree value={checkpoint.data} />
    </article>
  );
}

/** A card per checkpoint, updated live, with the overall progress on top. */
export function CheckpointsView({ session }: { session: SessionModel }) {
  const checkpoints = [...session.checkpoints.value.values()];
  if (checkpoints.length === 0) {
    return (
      <section class="checkpoints empty" aria-label="checkpoints">
        <p>
          No checkpoints yet. Save one with <code>log.save(name, data, {'{ status, progress, note }'})</code>.
        </p>
      </section>
    );
  }
  const overall = overallProgress(checkpoints);
  return (
    <section class="checkpoints" aria-label="checkpoints">
      <div class="overall">
        <strong>Overall</strong>
        <Progress value={overall} label="overall progress" tone="overall-bar" />
        <span data-testid="overall-progress">{Math.round(overall)}%</span>
      </div>
      <div class="cards">
        {checkpoints.map((c) => (
          <Card key={c.name} checkpoint={c} />
        ))}
      </div>
    </section>
  );
}

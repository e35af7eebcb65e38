import { useEffect, useState } from 'preact/hooks';
import { formatBytes, formatDateTime } from '../core/text.js';
import type { CheckpointData, LoadCheckpointData } from '../model/checkpoint-data.js';
import type { SessionModel, ShownCheckpoint } from '../model/session.js';
import { JsonTree } from './JsonTree.js';
import { SafeText } from './SafeText.js';

/** Cards shown at most, the most recently saved; thousands of cards would only slow the page. */
export const MAX_CARDS = 500;

/** Progress of one checkpoint, 0 to 100: its own figure, or 100 when done and 0 otherwise. */
export function checkpointProgress(c: ShownCheckpoint): number {
  if (typeof c.progress === 'number' && Number.isFinite(c.progress)) return Math.min(100, Math.max(0, c.progress));
  return c.status === 'DONE' ? 100 : 0;
}

/**
 * Average progress across checkpoints, 0 when there are none. A FAILED
 * checkpoint that gave no figure of its own says nothing about how far the
 * work got, so it is left out rather than counted as 0%.
 */
export function overallProgress(checkpoints: readonly ShownCheckpoint[]): number {
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

/**
 * A checkpoint's data: shown at once when the card holds it, otherwise
 * fetched from the logger when opened, and again when a newer save arrives
 * while it is open.
 */
function CardData({ checkpoint, load }: { checkpoint: ShownCheckpoint; load: LoadCheckpointData | undefined }) {
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState<CheckpointData | string | undefined>(undefined);
  const whole = 'data' in checkpoint;
  const { name, ts } = checkpoint;
  useEffect(() => {
    if (whole || !open || load === undefined) return;
    let current = true;
    load(name).then(
      (data) => current && setLoaded(data),
      (err: Error) => current && setLoaded(err.message),
    );
    return () => {
      current = false;
    };
  }, [whole, open, load, name, ts]);
  if (whole) return <JsonTree value={checkpoint.data} />;
  const size = 'dataSize' in checkpoint ? formatBytes(checkpoint.dataSize) : '';
  let body = null;
  if (open) {
    if (load === undefined) body = <p class="card-data-note">The data stayed with the logger of this session.</p>;
    else if (typeof loaded === 'string') body = <p class="card-data-note">{loaded}</p>;
    else if (loaded === undefined) body = <p class="card-data-note">Loading…</p>;
    else body = <JsonTree value={loaded.data} />;
  }
  return (
    <details
      class="card-data"
      data-testid="checkpoint-data"
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>data ({size})</summary>
      {body}
    </details>
  );
}

function Card({ checkpoint, load }: { checkpoint: ShownCheckpoint; load: LoadCheckpointData | undefined }) {
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
      <CardData checkpoint={checkpoint} load={load} />
    </article>
  );
}

/**
 * A card per checkpoint, updated live, with the overall progress on top;
 * `load` fetches a checkpoint's data when the session's checkpoints come as
 * summaries (a live session), and is absent for stored and imported ones.
 */
export function CheckpointsView({ session, load }: { session: SessionModel; load?: LoadCheckpointData }) {
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
  // In the order they first came, the newest last: the newest are shown.
  const shown = checkpoints.length > MAX_CARDS ? checkpoints.slice(-MAX_CARDS) : checkpoints;
  return (
    <section class="checkpoints" aria-label="checkpoints">
      <div class="overall">
        <strong>Overall</strong>
        <Progress value={overall} label="overall progress" tone="overall-bar" />
        <span data-testid="overall-progress">{Math.round(overall)}%</span>
      </div>
      <div class="cards">
        {shown.map((c) => (
          <Card key={c.name} checkpoint={c} load={load} />
        ))}
      </div>
      {shown.length < checkpoints.length ? (
        <p class="cards-more" data-testid="checkpoints-more">
          The last {shown.length} of {checkpoints.length} checkpoints are shown.
        </p>
      ) : null}
    </section>
  );
}

import type { OutputStatus } from '@pulselog/shared';

/**
 * How an output stands, worst first: `losing` once records were dropped or
 * failed (never hidden), `retrying` while its backend fails and records wait,
 * `ok` otherwise.
 */
export type OutputState = 'losing' | 'retrying' | 'ok';

/** What the status bar shows of one output: a compact line, its state, and the whole story for a tooltip. */
export interface OutputSummary {
  name: string;
  state: OutputState;
  /** Short figures after the name, like `1.2k sent · 300 retrying · 40 spooled`. */
  text: string;
  /** Every counter, one per line, and the last error in full. */
  title: string;
}

/** Longest last error shown in the bar itself; the tooltip has it whole. */
const ERROR_CHARS = 48;

/** A count in at most four characters or so: 999, 1.2k, 34k, 5.6M. */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  for (const [size, unit] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const) {
    if (n >= size) {
      const v = n / size;
      return `${v < 10 ? Math.floor(v * 10) / 10 : Math.floor(v)}${unit}`;
    }
  }
  return String(n);
}

/**
 * One output's counters as the status bar shows them. An output that
 * delivers over the network (the built-in ones) reports `sent`; any other
 * shows what it took (`written`).
 */
export function summarizeOutput(output: OutputStatus): OutputSummary {
  const retrying = output.retrying ?? 0;
  const spooled = output.spooled ?? 0;
  const state: OutputState =
    output.failed > 0 || output.dropped > 0 ? 'losing' : retrying > 0 || spooled > 0 ? 'retrying' : 'ok';
  const parts =
    output.sent === undefined ? [`${compactCount(output.written)} written`] : [`${compactCount(output.sent)} sent`];
  if (retrying > 0) parts.push(`${compactCount(retrying)} retrying`);
  if (spooled > 0) parts.push(`${compactCount(spooled)} spooled`);
  // Losses are counted exactly, never rounded away.
  if (output.dropped > 0) parts.push(`${output.dropped} dropped`);
  if (output.failed > 0) parts.push(`${output.failed} failed`);
  if (state !== 'ok' && output.lastError) parts.push(clip(output.lastError, ERROR_CHARS));

  const lines = [`output ${output.name}`];
  if (output.sent !== undefined) lines.push(`sent: ${output.sent}`);
  lines.push(`written: ${output.written}`, `waiting: ${output.backlog}`);
  if (output.retrying !== undefined) lines.push(`retrying: ${retrying}`);
  if (output.spooled !== undefined) lines.push(`spooled: ${spooled}`);
  lines.push(`dropped: ${output.dropped}`, `failed: ${output.failed}`);
  if (output.rejected !== undefined) lines.push(`refused by the backend: ${output.rejected}`);
  if (output.retries !== undefined) lines.push(`retries: ${output.retries}`);
  if (output.lastError) lines.push(`last error: ${output.lastError}`);
  return { name: output.name, state, text: parts.join(' · '), title: lines.join('\n') };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

import { effect, signal } from '@preact/signals';
import { DEFAULT_LIMIT, MIN_LIMIT } from './session.js';

/** The page's colour scheme: the system's, or one chosen. */
export type Theme = 'system' | 'light' | 'dark';

const THEMES: readonly Theme[] = ['system', 'light', 'dark'];
const KEY = 'pulselog.prefs';

/** What a user chose about how the page looks, kept in local storage across reloads. */
export class Prefs {
  /** Long messages wrap onto a few lines instead of ending in an ellipsis. */
  readonly wrap = signal(false);
  readonly theme = signal<Theme>('system');
  /** The facets panel beside the list. */
  readonly facets = signal(true);
  /** Most records a tab holds (`SessionModel.limit`); `?keep=` in the address wins for one tab. */
  readonly keep = signal(DEFAULT_LIMIT);

  constructor(private readonly storage: Storage | undefined = safeStorage()) {
    try {
      const saved = JSON.parse(this.storage?.getItem(KEY) ?? '{}') as Partial<Record<string, unknown>>;
      if (typeof saved.wrap === 'boolean') this.wrap.value = saved.wrap;
      if (typeof saved.facets === 'boolean') this.facets.value = saved.facets;
      const keep = readKeep(saved.keep);
      if (keep !== undefined) this.keep.value = keep;
      if (THEMES.includes(saved.theme as Theme)) this.theme.value = saved.theme as Theme;
    } catch {
      // Unreadable preferences are the defaults.
    }
  }

  /** The next theme in the cycle system → light → dark. */
  nextTheme(): void {
    this.theme.value = THEMES[(THEMES.indexOf(this.theme.value) + 1) % THEMES.length] as Theme;
  }

  /**
   * Saves every change and sets the chosen scheme on `root` (`data-theme`,
   * which the stylesheet reads); returns the cleanup.
   */
  apply(root: HTMLElement): () => void {
    return effect(() => {
      const theme = this.theme.value;
      if (theme === 'system') delete root.dataset.theme;
      else root.dataset.theme = theme;
      try {
        const saved = { wrap: this.wrap.value, theme, facets: this.facets.value, keep: this.keep.value };
        this.storage?.setItem(KEY, JSON.stringify(saved));
      } catch {
        // Without storage the choice lasts until the tab closes.
      }
    });
  }
}

/** A number of records to hold, from a setting or the address, or `undefined` when it is not one; at least `MIN_LIMIT`. */
export function readKeep(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return undefined;
  return Math.max(MIN_LIMIT, Math.floor(n));
}

function safeStorage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

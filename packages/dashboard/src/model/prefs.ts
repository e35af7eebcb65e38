import { effect, signal } from '@preact/signals';

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

  constructor(private readonly storage: Storage | undefined = safeStorage()) {
    try {
      const saved = JSON.parse(this.storage?.getItem(KEY) ?? '{}') as Partial<Record<string, unknown>>;
      if (typeof saved.wrap === 'boolean') this.wrap.value = saved.wrap;
      if (typeof saved.facets === 'boolean') this.facets.value = saved.facets;
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
        this.storage?.setItem(KEY, JSON.stringify({ wrap: this.wrap.value, theme, facets: this.facets.value }));
      } catch {
        // Without storage the choice lasts until the tab closes.
      }
    });
  }
}

function safeStorage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

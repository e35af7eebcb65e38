import type { AppModel } from '../model/app.js';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * The page's keys: `/` search, `j`/`k` move, `Enter` detail, `g`/`G` top and
 * bottom, `f` follow, `c` a record's context and back, `Escape` closes the detail, empties the search (box and filter) or leaves the box.
 * Returns the cleanup.
 */
export function bindKeys(app: AppModel, target: Window = window): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const view = app.view.value;
    if (event.key === 'Escape') {
      const target = event.target;
      if (target instanceof HTMLInputElement && target.id === 'search' && target.value !== '') {
        // The box's own Escape empties only the box; nothing redraws an ended session to put the
        // query back, so the filter would stay on unseen. The filter is emptied with it.
        event.preventDefault();
        view.filter.value = { ...view.filter.value, query: '' };
        target.value = '';
      } else if (isTyping(target)) (target as HTMLElement).blur();
      else view.detailOpen.value = false;
      return;
    }
    if (isTyping(event.target) || app.tab.value !== 'logs') {
      if (event.key === '/' && !isTyping(event.target)) app.tab.value = 'logs';
      else return;
    }
    const current = view.selectedRow();
    switch (event.key) {
      case '/':
        (document.getElementById('search') as HTMLInputElement | null)?.focus();
        break;
      case 'j':
      case 'ArrowDown':
        view.select(current < 0 ? 0 : current + 1);
        break;
      case 'k':
      case 'ArrowUp':
        view.select(current < 0 ? view.length - 1 : current - 1);
        break;
      case 'Enter':
        // On a button, a link or a summary, Enter keeps its own meaning.
        if (event.target instanceof Element && event.target.closest('button, a, summary')) return;
        if (current >= 0) view.detailOpen.value = true;
        break;
      case 'g':
        view.setFollow(false);
        view.select(0);
        break;
      case 'G':
        view.select(view.length - 1);
        view.setFollow(true);
        break;
      case 'f':
        view.setFollow(!view.follow.value);
        break;
      case 'c':
        if (view.context.value) view.leaveContext();
        else if (current >= 0 && view.filtered) view.showContext(view.selected.value as number);
        else return;
        break;
      default:
        return;
    }
    event.preventDefault();
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}

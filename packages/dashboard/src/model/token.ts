const STORAGE_KEY = 'pulselog.token';

/**
 * Takes the access token from the URL fragment (`#token=…`) the logger opened,
 * keeps it in session storage and removes it from the address bar, so it is
 * neither bookmarked nor shown. Later loads of the tab read it from storage.
 */
export function takeToken(location: Location, history: History, storage: Storage): string | undefined {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = params.get('token');
  if (fromUrl) {
    try {
      storage.setItem(STORAGE_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the token still works for this page load.
    }
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return fromUrl;
  }
  try {
    return storage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

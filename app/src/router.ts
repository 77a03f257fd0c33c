import { useEffect, useState } from 'preact/hooks';

export const base = '/app/';

export type Route =
  | { page: 'caseload' }
  | { page: 'client'; clientId: string }
  | { page: 'admit' }
  | { page: 'attendance' }
  | { page: 'approvals' }
  | { page: 'not-found'; path: string };

export function parseRoute(pathname: string): Route {
  const path = pathname.startsWith(base) ? pathname.slice(base.length) : pathname.replace(/^\/app\/?/, '');
  if (path === '' || path === 'caseload') return { page: 'caseload' };
  if (path === 'admit') return { page: 'admit' };
  if (path === 'attendance') return { page: 'attendance' };
  if (path === 'approvals') return { page: 'approvals' };
  const client = /^clients\/([^/]+)$/.exec(path);
  if (client?.[1]) return { page: 'client', clientId: decodeURIComponent(client[1]) };
  return { page: 'not-found', path };
}

export const hrefOf = {
  caseload: () => base,
  client: (clientId: string) => `${base}clients/${encodeURIComponent(clientId)}`,
  admit: () => `${base}admit`,
  attendance: () => `${base}attendance`,
  approvals: () => `${base}approvals`,
};

export function navigate(href: string) {
  history.pushState(null, '', href);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** Follows in-app links without a page load; modified clicks (new tab) stay the browser's. */
export function onLinkClick(event: MouseEvent) {
  const anchor = (event.target as Element | null)?.closest('a');
  if (!anchor || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith(base)) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}

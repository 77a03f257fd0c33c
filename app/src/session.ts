import { api, contractCall, offers, ok, token, type SessionAnswer } from './api/client';

export interface Signed {
  /** Null when this API does not say who the token belongs to (no `GET /v1/session`). */
  session: SessionAnswer | null;
}

/**
 * A local sign-in link carries a one-time code in the fragment, which never reaches a server or a
 * log: it is removed from the address bar before anything else, then exchanged for a token.
 */
export async function signInFromLink(): Promise<string | null> {
  const match = /(?:^#|&)sign-in=([^&]+)/.exec(window.location.hash);
  if (!match?.[1]) return null;
  history.replaceState(history.state, '', window.location.pathname + window.location.search);
  if (!offers('post /v1/sign-in'))
    return 'This server does not exchange sign-in links: sign in with your access token instead.';
  try {
    const answer = await contractCall<{ token: string }>('POST', '/v1/sign-in', {
      code: decodeURIComponent(match[1]),
    });
    token.set(answer.token);
    return null;
  } catch (error) {
    return `${error instanceof Error ? error.message : String(error)} Ask for a new link (restart npm start) or sign in with a token.`;
  }
}

/** Who the stored token belongs to; throws the API's refusal when it is not valid. */
export async function identify(): Promise<Signed> {
  if (offers('get /v1/session')) return { session: await contractCall<SessionAnswer>('GET', '/v1/session') };
  // Without a session route, any read proves the token.
  await ok(api.GET('/v1/programs'));
  return { session: null };
}

import type { FastifyInstance } from 'fastify';
import { looksLikeJwt, type OidcSignIn } from './oidc';
import { ApiProblem } from './problem';
import type { ApiRole } from './roles';
import type { AuthenticatedStaff, TokenRegistry } from './tokens';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; a route that says nothing is closed to everyone. */
    access?: 'public' | readonly ApiRole[];
  }
  interface FastifyRequest {
    staff: AuthenticatedStaff | null;
  }
}

const docsPrefix = '/docs';

/**
 * Every route needs a bearer token of an allowed role unless it is public (health, docs, OpenAPI).
 * With sign-in through an OpenID Provider, a bearer that is a JWT is its access token; any other
 * is looked up in the tokens file.
 */
export function requireTokens(app: FastifyInstance, tokens: TokenRegistry, oidc?: OidcSignIn): void {
  app.decorateRequest('staff', null);
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    const access = request.routeOptions.config.access;
    // No route (a 404) or a public one: nothing to protect.
    if (route === undefined || access === 'public' || route.startsWith(docsPrefix)) return;
    const presented = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const staff =
      presented === undefined
        ? undefined
        : oidc && looksLikeJwt(presented)
          ? await oidc.authenticate(presented)
          : tokens.authenticate(presented);
    if (!staff)
      throw new ApiProblem(
        401,
        'unauthenticated',
        'Authentication required',
        'Send a valid bearer token (Authorization: Bearer <token>); ask your administrator for one.',
        {},
        { 'www-authenticate': 'Bearer realm="carepath"' },
      );
    const allowedRoles = access ?? [];
    if (!allowedRoles.includes(staff.role))
      throw new ApiProblem(
        403,
        'forbidden',
        'Role not allowed',
        `Your token's role '${staff.role}' may not do this; it needs one of: ${allowedRoles.join(', ') || 'none'}.`,
        { role: staff.role, allowedRoles },
      );
    request.staff = staff;
    request.log = request.log.child({ staffId: staff.actor.staffId });
  });
}

/** The caller's identity on a route that required a token. */
export function staffOf(request: { staff: AuthenticatedStaff | null }): AuthenticatedStaff {
  if (!request.staff) throw new Error('route without access rules reached a handler that needs the caller');
  return request.staff;
}

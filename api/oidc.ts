import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { OidcSettings } from '../config/oidc';
import { issueList } from '../schemas/issues';
import { ApiProblem } from './problem';
import { apiRoleSchema } from './roles';
import { staffOfEntry, tokenEntrySchema, type AuthenticatedStaff } from './tokens';

/**
 * Staff sign-in through the clinic's OpenID Provider: a bearer that is a JWT is an access token the
 * provider signed for carepath's audience, checked against the provider's published keys (JWKS, found
 * through its discovery document, fetched and cached by `jose`). Its claims name the staff member,
 * API role, clinical role and programs, validated exactly as a tokens file entry is.
 */

/** A compact JWS: three base64url parts. A tokens-file token (`cpt_…`) never has a dot. */
export const looksLikeJwt = (bearer: string): boolean =>
  /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(bearer);

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });

/** What a token's claims must say, with the same rules (and defaults) as a tokens file entry. */
const staffClaimsSchema = tokenEntrySchema.pick({
  staffId: true,
  role: true,
  staffRole: true,
  programs: true,
});

const discoveryTimeoutMs = 5000;

const refused = (detail: string, extensions: Record<string, unknown> = {}) =>
  new ApiProblem(401, 'unauthenticated', 'Authentication required', detail, extensions, {
    'www-authenticate': 'Bearer realm="carepath", error="invalid_token"',
  });

const providerUnavailable = (issuer: string) =>
  new ApiProblem(
    503,
    'sign-in-provider-unavailable',
    'Sign-in provider unavailable',
    `The keys of the sign-in provider ${issuer} cannot be read just now: retry shortly; if it lasts, an operator should check CAREPATH_OIDC_ISSUER (or CAREPATH_OIDC_JWKS_URL) and that the provider is reachable from the API.`,
    { issuer },
    { 'retry-after': '5' },
  );

export class OidcSignIn {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(readonly settings: OidcSettings) {}

  /** The staff member an access token names; a refused token is a 401, a claim carepath cannot use a 403. */
  async authenticate(token: string): Promise<AuthenticatedStaff> {
    const payload = await this.verify(token);
    const { claims } = this.settings;
    const role = payload[claims.role];
    if (!apiRoleSchema.safeParse(role).success)
      throw new ApiProblem(
        403,
        'sign-in-role-unknown',
        'No carepath role in your sign-in',
        `Your sign-in carries ${typeof role === 'string' ? `the role '${role}'` : 'no role'} in its claim '${claims.role}': ask your identity provider's administrator to give you one of ${apiRoleSchema.options.join(', ')}.`,
        { claim: claims.role, allowedRoles: apiRoleSchema.options },
      );
    const parsed = staffClaimsSchema.safeParse({
      staffId: payload[claims.staffId],
      role,
      staffRole: payload[claims.staffRole],
      programs: payload[claims.programs],
    });
    if (!parsed.success) {
      // Named by the provider's claim, which is what its administrator must fix.
      const claimOf = { ...claims } as Record<string, string>;
      const issues = parsed.error.issues.map((issue) => ({
        ...issue,
        path: [claimOf[String(issue.path[0])] ?? String(issue.path[0]), ...issue.path.slice(1)],
      }));
      throw new ApiProblem(
        403,
        'sign-in-claims-invalid',
        'Sign-in claims not usable',
        `Your sign-in's claims cannot be used (${issueList(issues)}): ask your identity provider's administrator to correct them.`,
        { claims: [...new Set(issues.map((issue) => String(issue.path[0])))] },
      );
    }
    return staffOfEntry(parsed.data);
  }

  private async verify(token: string): Promise<JWTPayload> {
    const { issuer, audience, algorithms, clockToleranceSeconds } = this.settings;
    try {
      const { payload } = await jwtVerify(token, await this.keySet(), {
        issuer,
        audience,
        algorithms: [...algorithms],
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (error) {
      if (error instanceof ApiProblem) throw error;
      // The provider's key set unreachable or unreadable is not the caller's fault.
      if (
        !(error instanceof errors.JOSEError) ||
        error instanceof errors.JWKSTimeout ||
        error instanceof errors.JWKSInvalid
      )
        throw providerUnavailable(issuer);
      if (error instanceof errors.JWTExpired)
        throw refused('Your sign-in has expired: sign in again for a fresh access token.', {
          reason: error.code,
        });
      throw refused(
        `The access token was refused (${error.code}): sign in again; if it persists, the token is not one your identity provider issued for this API (audience ${audience}).`,
        { reason: error.code },
      );
    }
  }

  /** Discovered once, on the first token; a failed discovery is tried again on the next. */
  private keySet(): Promise<JWTVerifyGetKey> {
    if (!this.keys) {
      const keys = this.jwksUrl().then((url) => createRemoteJWKSet(new URL(url)));
      keys.catch(() => {
        if (this.keys === keys) this.keys = undefined;
      });
      this.keys = keys;
    }
    return this.keys;
  }

  private async jwksUrl(): Promise<string> {
    const { issuer, jwksUrl } = this.settings;
    if (jwksUrl !== undefined) return jwksUrl;
    const address = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let document: z.infer<typeof discoverySchema>;
    try {
      const response = await fetch(address, { signal: AbortSignal.timeout(discoveryTimeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = discoverySchema.parse(await response.json());
    } catch {
      throw providerUnavailable(issuer);
    }
    // OpenID Connect Discovery: the document must name the issuer it was fetched for.
    if (document.issuer !== issuer) throw providerUnavailable(issuer);
    return document.jwks_uri;
  }
}

/** Staff sign-in through an OpenID Provider (CAREPATH_OIDC_*), validated by api/oidc.ts. */
export interface OidcSettings {
  /** The provider's issuer URL: the `iss` every token must carry, and where discovery starts. */
  issuer: string;
  /** The `aud` every token must carry: the identifier the provider knows carepath's API by. */
  audience: string;
  /** The provider's JSON Web Key Set; unset, the `jwks_uri` of its discovery document. */
  jwksUrl?: string;
  /** The JWS algorithms accepted; any other (and `none`) is refused. */
  algorithms: readonly string[];
  clockToleranceSeconds: number;
  /** The claims that name the staff member, API role, clinical role and programs. */
  claims: { staffId: string; role: string; staffRole: string; programs: string };
}

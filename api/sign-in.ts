import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ApiProblem } from './problem';
import { apiRoleSchema, type ApiRole } from './roles';

/**
 * Local mode's one-time sign-in link: `npm start` prints the coordinator app's address with a code
 * in the fragment (never sent to a server, so never in an access log); the app trades it once for
 * the development token. The code lives in this process's memory only and is compared in constant
 * time, by its hash.
 */

export const signInCodeValidMs = 15 * 60 * 1000;

export const signInBody = z
  .strictObject({
    code: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'expected the code from the sign-in link')
      .describe('The code after #sign-in= in the link `npm start` printed'),
  })
  .meta({ id: 'SignIn' });

export const signInAnswer = z
  .object({
    token: z.string().describe('A bearer token for Authorization: Bearer <token>'),
    staffId: z.string(),
    role: apiRoleSchema,
  })
  .meta({ id: 'SignInGranted' });

const digest = (code: string) => createHash('sha256').update(code, 'utf8').digest();

/** The one code of this start: redeemed at most once, before it expires. */
export class SignInCode {
  readonly code: string;
  private readonly codeDigest: Buffer;
  private readonly expiresAt: number;
  private used = false;

  constructor(
    private readonly grant: { token: string; staffId: string; role: ApiRole },
    private readonly now: () => number = Date.now,
  ) {
    this.code = randomBytes(24).toString('base64url');
    this.codeDigest = digest(this.code);
    this.expiresAt = this.now() + signInCodeValidMs;
  }

  redeem(presented: string): { token: string; staffId: string; role: ApiRole } {
    const matches = timingSafeEqual(digest(presented), this.codeDigest);
    if (!matches || this.used || this.now() >= this.expiresAt)
      throw new ApiProblem(
        401,
        'sign-in-code-invalid',
        'Sign-in code not valid',
        'This sign-in code is unknown, already used or older than 15 minutes: restart `npm start` for a new link, or use the development token it prints.',
      );
    this.used = true;
    return this.grant;
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { identifierSchema, personRoleSchema, type StaffActor } from '../schemas';
import { apiRoleSchema, defaultStaffRole, type ApiRole } from './roles';

/**
 * Bearer tokens are stored only as sha256 hashes: the tokens file can be read by operators and
 * backed up without handing out access. A token is 32 random bytes, so a plain hash suffices.
 */

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export const generateToken = (): string => `cpt_${randomBytes(32).toString('base64url')}`;

export const tokenEntrySchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected the sha256 of the token as 64 lower-case hex digits'),
  staffId: identifierSchema,
  role: apiRoleSchema,
  /**
   * The clinical role the staff member acts as; defaults by API role (coordinator → care-coordinator).
   * Never `integration`: a token is a person's, and only people count for four eyes.
   */
  staffRole: personRoleSchema.optional(),
});
export type TokenEntry = z.infer<typeof tokenEntrySchema>;

export const tokensFileSchema = z.object({
  tokens: z
    .array(tokenEntrySchema)
    .refine(
      (tokens) => new Set(tokens.map((t) => t.sha256)).size === tokens.length,
      'a token hash is listed twice',
    ),
});
export type TokensFile = z.infer<typeof tokensFileSchema>;

/** The staff member behind a request: the actor of every event and command they send. */
export interface AuthenticatedStaff {
  role: ApiRole;
  actor: StaffActor;
}

export class TokensFileError extends Error {
  override readonly name = 'TokensFileError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(
      `API tokens file ${file} cannot be used: ${problem}. ` +
        'Fix the file (see README, "Coordinator API") or point CAREPATH_API_TOKENS_FILE at another.',
    );
  }
}

export async function readTokensFile(file: string): Promise<TokensFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new TokensFileError(file, (error as NodeJS.ErrnoException).code ?? String(error));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TokensFileError(file, 'it is not JSON');
  }
  const parsed = tokensFileSchema.safeParse(json);
  if (!parsed.success)
    throw new TokensFileError(
      file,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  return parsed.data;
}

/** Looks a presented bearer token up by its hash. */
export class TokenRegistry {
  private readonly byHash: ReadonlyMap<string, AuthenticatedStaff>;

  constructor(file: TokensFile) {
    this.byHash = new Map(
      file.tokens.map((entry) => [
        entry.sha256,
        {
          role: entry.role,
          actor: { staffId: entry.staffId, role: entry.staffRole ?? defaultStaffRole[entry.role] },
        },
      ]),
    );
  }

  authenticate(token: string): AuthenticatedStaff | undefined {
    return this.byHash.get(hashToken(token));
  }
}

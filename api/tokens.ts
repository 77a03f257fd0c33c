import { createHash, randomBytes } from 'node:crypto';
import { unwatchFile, watchFile } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { codeSchema, identifierSchema, personRoleSchema, type StaffActor } from '../schemas';
import { issueList } from '../schemas/issues';
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
  /** The programs whose clients the staff member sees and acts on; absent: every program. */
  programs: z.array(codeSchema).min(1).max(100).optional(),
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
  /** The program ids whose clients this staff member may see; null: every program. */
  programs: readonly string[] | null;
}

export class TokensFileError extends Error {
  override readonly name = 'TokensFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
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
  if (!parsed.success) throw new TokensFileError(file, issueList(parsed.error.issues));
  return parsed.data;
}

/** The staff member a token file entry (or a sign-in's claims) names, with the defaults filled in. */
export const staffOfEntry = (entry: Omit<TokenEntry, 'sha256'>): AuthenticatedStaff => ({
  role: entry.role,
  actor: { staffId: entry.staffId, role: entry.staffRole ?? defaultStaffRole[entry.role] },
  programs: entry.programs ?? null,
});

/** Looks a presented bearer token up by its hash; `replace` swaps in a re-read tokens file at once. */
export class TokenRegistry {
  private byHash: ReadonlyMap<string, AuthenticatedStaff> = new Map();

  constructor(file: TokensFile) {
    this.replace(file);
  }

  replace(file: TokensFile): void {
    this.byHash = new Map(file.tokens.map((entry) => [entry.sha256, staffOfEntry(entry)]));
  }

  authenticate(token: string): AuthenticatedStaff | undefined {
    return this.byHash.get(hashToken(token));
  }
}

/**
 * Re-reads the tokens file whenever it changes, so staff added or revoked take effect without a
 * restart. The file is polled (stat) rather than watched through inotify: an atomic replace (write
 * and rename) swaps the inode, which a watch on the old one would miss. A file that no longer
 * validates keeps the previous registry and is reported through `warn`, naming the file and problem.
 */
export function watchTokensFile(
  file: string,
  registry: TokenRegistry,
  warn: (message: string) => void,
  intervalMs = 500,
): { close(): void } {
  let reading = Promise.resolve();
  const reload = () => {
    reading = reading.then(async () => {
      try {
        registry.replace(await readTokensFile(file));
      } catch (error) {
        const problem = error instanceof TokensFileError ? error.problem : String(error);
        warn(
          `API tokens file ${file} not reloaded (${problem}): the previous tokens stay in force until it is fixed`,
        );
      }
    });
  };
  watchFile(file, { interval: intervalMs, persistent: false }, (now, before) => {
    if (now.mtimeMs !== before.mtimeMs || now.ino !== before.ino || now.size !== before.size) reload();
  });
  return { close: () => unwatchFile(file) };
}

/** Writes the tokens file atomically (a temporary file renamed over it), so a reader never sees half a file. */
export async function writeTokensFile(file: string, content: TokensFile): Promise<void> {
  const parsed = tokensFileSchema.parse(content);
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(temporary, `${JSON.stringify(parsed, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

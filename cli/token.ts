import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { apiRoleSchema } from '../api/roles';
import {
  generateToken,
  hashToken,
  readTokensFile,
  tokenEntrySchema,
  writeTokensFile,
  type TokenEntry,
} from '../api/tokens';
import { loadConfig } from '../config';
import { UsageError } from './event-fields';

/**
 * `carepath token`: a new bearer token for a staff member, and the entry (with its hash only) an
 * administrator adds to the tokens file. The token itself is shown once and stored nowhere.
 * `token add|list|revoke` edit the tokens file itself; the running API re-reads it on change.
 */
export function createTokenEntry(
  staffId: string | undefined,
  role: string | undefined,
  staffRole: string | undefined,
  programs?: string,
) {
  if (!staffId || !role) throw new UsageError('--staff-id and --role are required');
  const token = generateToken();
  const option: Record<string, string> = {
    staffId: 'staff-id',
    staffRole: 'staff-role',
    programs: 'programs',
  };
  const parsed = tokenEntrySchema.safeParse({
    sha256: hashToken(token),
    staffId,
    role,
    ...(staffRole && { staffRole }),
    ...(programs !== undefined && { programs: programs.split(',').map((p) => p.trim()) }),
  });
  if (!parsed.success)
    throw new UsageError(
      parsed.error.issues.map((i) => `--${option[String(i.path[0])] ?? 'role'}: ${i.message}`).join('; ') +
        ` (roles: ${apiRoleSchema.options.join(', ')})`,
    );
  return { token, entry: parsed.data };
}

/** The tokens file the API reads: --file, else CAREPATH_API_TOKENS_FILE, else local mode's in the data dir. */
export function tokensFilePath(env: NodeJS.ProcessEnv, given: string | undefined): string {
  if (given) return given;
  const config = loadConfig(env);
  if (config.api.tokensFile) return config.api.tokensFile;
  if (config.mode !== 'local')
    throw new UsageError('name the tokens file: --file or CAREPATH_API_TOKENS_FILE');
  return join(config.dataDir, 'api-tokens.json');
}

const entriesOf = async (file: string): Promise<TokenEntry[]> =>
  existsSync(file) ? (await readTokensFile(file)).tokens : [];

/** Adds a new token's entry to the file; answers the token, shown once. */
export async function addToken(
  file: string,
  values: { staffId?: string; role?: string; staffRole?: string; programs?: string },
) {
  const created = createTokenEntry(values.staffId, values.role, values.staffRole, values.programs);
  await writeTokensFile(file, { tokens: [...(await entriesOf(file)), created.entry] });
  return created;
}

/** The file's entries without their hashes' full text: who, which role, which programs. */
export async function listTokens(file: string) {
  return (await entriesOf(file)).map((entry) => ({
    staffId: entry.staffId,
    role: entry.role,
    staffRole: entry.staffRole ?? null,
    programs: entry.programs ?? null,
    sha256Prefix: entry.sha256.slice(0, 12),
  }));
}

/** Removes every token of a staff member, or the one whose hash starts with the given prefix. */
export async function revokeTokens(file: string, which: { staffId?: string; sha256Prefix?: string }) {
  if (!which.staffId && !which.sha256Prefix) throw new UsageError('--staff-id or --sha256 is required');
  const entries = await entriesOf(file);
  const revoked = entries.filter(
    (e) =>
      (which.staffId === undefined || e.staffId === which.staffId) &&
      (which.sha256Prefix === undefined || e.sha256.startsWith(which.sha256Prefix.toLowerCase())),
  );
  if (revoked.length === 0) throw new UsageError(`no token in ${file} matches; see \`carepath token list\``);
  await writeTokensFile(file, { tokens: entries.filter((e) => !revoked.includes(e)) });
  return revoked.map((e) => ({ staffId: e.staffId, sha256Prefix: e.sha256.slice(0, 12) }));
}

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateToken, hashToken, readTokensFile, writeTokensFile, type TokensFile } from './tokens';

/** The local stack's development identity: a coordinator, so every route can be tried. */
export const developmentStaffId = 'local-coordinator';

/**
 * Local mode only: the tokens file in the git-ignored data dir, holding a development token
 * made on first start and reused after (its plain text sits beside it so start-up can print it).
 * Entries a developer adds to the file are kept.
 */
export async function ensureDevelopmentToken(
  dataDir: string,
): Promise<{ tokensFile: string; token: string }> {
  const tokensFile = join(dataDir, 'api-tokens.json');
  const tokenFile = join(dataDir, 'api-development-token');
  await mkdir(dataDir, { recursive: true });
  const file: TokensFile = existsSync(tokensFile) ? await readTokensFile(tokensFile) : { tokens: [] };
  const existing = existsSync(tokenFile) ? (await readFile(tokenFile, 'utf8')).trim() : '';
  if (existing && file.tokens.some((entry) => entry.sha256 === hashToken(existing)))
    return { tokensFile, token: existing };
  const token = generateToken();
  const tokens = [
    ...file.tokens.filter((entry) => entry.staffId !== developmentStaffId),
    { sha256: hashToken(token), staffId: developmentStaffId, role: 'coordinator' as const },
  ];
  await writeTokensFile(tokensFile, { tokens });
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  return { tokensFile, token };
}

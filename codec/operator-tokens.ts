import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { generateToken, hashToken } from '../api/tokens';
import type { CarepathConfig } from '../config';
import { identifierSchema } from '../schemas';
import { issueList } from '../schemas/issues';

/**
 * Operators' bearer tokens for the codec server, stored as sha256 hashes like the API's. Kept
 * apart from the API's tokens: decoding every payload in the Temporal UI is a different power
 * from coordinating care.
 */
export const operatorTokensFileSchema = z.object({
  operators: z.array(
    z.object({
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'expected the sha256 of the token as 64 lower-case hex digits'),
      operatorId: identifierSchema,
    }),
  ),
});
export type OperatorTokensFile = z.infer<typeof operatorTokensFileSchema>;

export class OperatorTokensError extends Error {
  override readonly name = 'OperatorTokensError';
  constructor(file: string, problem: string) {
    super(
      `Operator tokens file ${file} cannot be used: ${problem}. ` +
        'Fix the file (see README, "Payload encryption keys") or point CAREPATH_OPERATOR_TOKENS_FILE at another.',
    );
  }
}

/** Looks a presented bearer token up by its hash; answers the operator's id. */
export class OperatorTokens {
  private readonly byHash: ReadonlyMap<string, string>;
  constructor(file: OperatorTokensFile) {
    this.byHash = new Map(file.operators.map((entry) => [entry.sha256, entry.operatorId]));
  }
  authenticate(token: string): string | undefined {
    return this.byHash.get(hashToken(token));
  }
}

async function readOperatorTokens(file: string): Promise<OperatorTokensFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new OperatorTokensError(file, (error as NodeJS.ErrnoException).code ?? 'it is not JSON');
  }
  const parsed = operatorTokensFileSchema.safeParse(json);
  if (!parsed.success) throw new OperatorTokensError(file, issueList(parsed.error.issues));
  return parsed.data;
}

export const localOperatorId = 'local-operator';

/**
 * The configured operator tokens; in local mode without a file, the data dir's file with a token
 * for the developer made on first start (its plain text beside it, for the UI's codec endpoint).
 */
export async function loadOperatorTokens(
  config: CarepathConfig,
): Promise<{ tokens: OperatorTokens; localToken: string | null }> {
  if (config.codec.operatorTokensFile)
    return {
      tokens: new OperatorTokens(await readOperatorTokens(config.codec.operatorTokensFile)),
      localToken: null,
    };
  if (config.mode !== 'local')
    throw new OperatorTokensError('(unset)', 'CAREPATH_OPERATOR_TOKENS_FILE is required outside local mode');
  const tokensFile = join(config.dataDir, 'operator-tokens.json');
  const tokenFile = join(config.dataDir, 'operator-token');
  await mkdir(config.dataDir, { recursive: true });
  const file = existsSync(tokensFile) ? await readOperatorTokens(tokensFile) : { operators: [] };
  const existing = existsSync(tokenFile) ? (await readFile(tokenFile, 'utf8')).trim() : '';
  if (existing && file.operators.some((entry) => entry.sha256 === hashToken(existing)))
    return { tokens: new OperatorTokens(file), localToken: existing };
  const token = generateToken();
  const operators = [
    ...file.operators.filter((entry) => entry.operatorId !== localOperatorId),
    { sha256: hashToken(token), operatorId: localOperatorId },
  ];
  await writeFile(tokensFile, `${JSON.stringify({ operators }, null, 2)}\n`, { mode: 0o600 });
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  return { tokens: new OperatorTokens({ operators }), localToken: token };
}

import { z } from 'zod';

/**
 * What a carepath process can run. Each role is deployed, scaled and restarted on its own; `all`
 * runs every role in one process (`npm start`, the drills, a small installation).
 */
export const serviceRoles = ['worker', 'bridge', 'api', 'codec'] as const;
export type ServiceRole = (typeof serviceRoles)[number];

export const roleChoiceSchema = z.enum([...serviceRoles, 'all'], {
  message: `expected one of ${[...serviceRoles, 'all'].join(', ')}`,
});
export type RoleChoice = z.infer<typeof roleChoiceSchema>;

/** The roles a choice runs, in the order they start. */
export const rolesOf = (choice: RoleChoice): readonly ServiceRole[] =>
  choice === 'all' ? serviceRoles : [choice];

export class RoleArgumentError extends Error {
  override readonly name = 'RoleArgumentError';
}

/**
 * The role named on the command line (`--role X` or `--role=X`), else `fallback` (CAREPATH_ROLE).
 * Anything else on the command line is refused, so a mistyped flag never starts the wrong roles.
 */
export function roleFromArguments(args: readonly string[], fallback: RoleChoice): RoleChoice {
  const usage = `usage: production-entry [--role ${[...serviceRoles, 'all'].join('|')}]`;
  let named: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--role' && i + 1 < args.length) named = args[++i];
    else if (arg.startsWith('--role=')) named = arg.slice('--role='.length);
    else throw new RoleArgumentError(`unexpected argument ${JSON.stringify(arg)}; ${usage}`);
  }
  if (named === undefined) return fallback;
  const parsed = roleChoiceSchema.safeParse(named);
  if (!parsed.success)
    throw new RoleArgumentError(
      `--role ${JSON.stringify(named)}: ${parsed.error.issues[0]?.message}; ${usage}`,
    );
  return parsed.data;
}

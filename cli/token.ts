import { apiRoleSchema } from '../api/roles';
import { generateToken, hashToken, tokenEntrySchema } from '../api/tokens';
import { UsageError } from './event-fields';

/**
 * `carepath token`: a new bearer token for a staff member, and the entry (with its hash only) an
 * administrator adds to the tokens file. The token itself is shown once and stored nowhere.
 */
export function createTokenEntry(
  staffId: string | undefined,
  role: string | undefined,
  staffRole: string | undefined,
) {
  if (!staffId || !role) throw new UsageError('--staff-id and --role are required');
  const token = generateToken();
  const parsed = tokenEntrySchema.safeParse({
    sha256: hashToken(token),
    staffId,
    role,
    ...(staffRole && { staffRole }),
  });
  if (!parsed.success)
    throw new UsageError(
      parsed.error.issues
        .map(
          (i) =>
            `--${String(i.path[0]) === 'staffId' ? 'staff-id' : String(i.path[0]) === 'staffRole' ? 'staff-role' : 'role'}: ${i.message}`,
        )
        .join('; ') + ` (roles: ${apiRoleSchema.options.join(', ')})`,
    );
  return { token, entry: parsed.data };
}

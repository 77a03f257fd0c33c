/** Where a zod issue is: its path joined with dots, or `(root)`. */
export const issuePath = (path: readonly PropertyKey[]): string => path.map(String).join('.') || '(root)';

/**
 * Zod issues on one line, each where and what is wrong there. Past `limit` the rest are only
 * counted: a message can fail on every element of a long array, and the first few say what to fix.
 */
export function issueList(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  limit = issues.length,
): string {
  const listed = issues.slice(0, limit).map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
  if (issues.length > limit) listed.push(`and ${issues.length - limit} more`);
  return listed.join('; ');
}

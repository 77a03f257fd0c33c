import type { z } from 'zod';
import { clientEventSchema } from '../schemas';

export class UsageError extends Error {}

/**
 * Reads `field=value` arguments into an event body, typing each value as the event's schema
 * expects (number, boolean, null or text), so `hours=3` is a number and `sessionId=3` stays text.
 */
export function eventFields(type: string, pairs: readonly string[]): Record<string, unknown> {
  const schema = clientEventSchema.options.find((option) => option.shape.type.value === type);
  if (!schema || type === 'admitted')
    throw new UsageError(
      `unknown event type '${type}'; one of: ${clientEventSchema.options
        .map((o) => o.shape.type.value)
        .filter((t) => t !== 'admitted')
        .join(', ')} (admit with \`carepath admit\`)`,
    );
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new UsageError(`expected field=value, got '${pair}'`);
      const field = pair.slice(0, at);
      const raw = pair.slice(at + 1);
      const fieldSchema = shape[field];
      // `null` means null; otherwise text first, so a code such as sessionId=3 stays text.
      const candidates: unknown[] =
        raw === 'null'
          ? [null, raw]
          : [raw, Number(raw), raw === 'true' ? true : raw === 'false' ? false : raw];
      const accepted = candidates.filter((value) => fieldSchema?.safeParse(value).success);
      return [field, accepted.length > 0 ? accepted[0] : raw];
    }),
  );
}

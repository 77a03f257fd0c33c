import { z } from 'zod';

/** Instants are UTC ISO-8601 strings: state stays plain JSON and the decision code never reads a clock. */
export const isoInstantSchema = z.iso.datetime({
  message: 'expected an ISO-8601 UTC instant, e.g. 2025-01-06T09:00:00Z',
});
export const isoDateSchema = z.iso.date({ message: 'expected an ISO-8601 date, e.g. 2025-01-06' });

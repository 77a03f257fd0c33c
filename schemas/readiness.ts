import { z } from 'zod';
import { serviceRoles } from '../config/service-roles';

/** Each role of a process: serving, not (yet, or any more) serving, or draining after a stop signal. */
export const roleStateSchema = z.enum(['ready', 'not-ready', 'stopping']);

/** `/readyz` of every carepath process: 200 with `ready`, 503 with `not-ready`. */
export const readinessAnswer = z.object({
  status: z.enum(['ready', 'not-ready']),
  roles: z
    .partialRecord(z.enum(serviceRoles), roleStateSchema)
    .describe('The roles this process runs and the state of each'),
});
export type ReadinessAnswer = z.infer<typeof readinessAnswer>;

/** `/livez`: the process answers; restart it when it does not. */
export const livenessAnswer = z.object({ status: z.literal('alive') });

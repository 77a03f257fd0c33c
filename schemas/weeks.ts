import { z } from 'zod';
import { identifierSchema } from './actors';
import { levelOfCareSchema } from './levels';
import { isoInstantSchema, timeZoneSchema, weekdaySchema } from './time';

/** What a reviewed week was found to be, and whether late attendance changed it since. */
export const weekFlags = ['below-target', 'below-floor', 'corrected'] as const;

/** One week as coordinators read it: its bounds in the clinic's zone and as instants, hours and sessions. */
export const weekViewSchema = z.object({
  status: z
    .enum(['current', 'reviewed', 'level-change'])
    .describe('`level-change`: cut short by a change of level, so not reviewed against a target'),
  level: levelOfCareSchema,
  start: isoInstantSchema,
  end: isoInstantSchema,
  localStart: z.string().describe("the start on the clinic's wall clock, with its UTC offset"),
  localEnd: z.string().describe("the end on the clinic's wall clock, with its UTC offset"),
  scheduledHours: z.number().min(0),
  scheduledSessions: z.number().int().min(0),
  attendedHours: z.number().min(0),
  attendedSessions: z.number().int().min(0),
  /** Null at 24-hour levels, where hours are not counted. */
  targetHours: z.number().min(0).nullable(),
  floorHours: z.number().min(0).nullable(),
  flags: z.array(z.enum(weekFlags)),
});
export type WeekView = z.infer<typeof weekViewSchema>;

export const weeksViewSchema = z.object({
  clientId: identifierSchema,
  episodeId: identifierSchema,
  timeZone: timeZoneSchema,
  weekStartsOn: weekdaySchema.nullable().describe('null: 7-day weeks from the start of the level'),
  correctionWindowDays: z.number().int().min(0),
  /** Oldest first; the last is the current week. */
  weeks: z.array(weekViewSchema),
});
export type WeeksView = z.infer<typeof weeksViewSchema>;

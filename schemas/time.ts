import { z } from 'zod';

/** Instants are UTC ISO-8601 strings: state stays plain JSON and the decision code never reads a clock. */
export const isoInstantSchema = z.iso.datetime({
  message: 'expected an ISO-8601 UTC instant, e.g. 2025-01-06T09:00:00Z',
});
export const isoDateSchema = z.iso.date({ message: 'expected an ISO-8601 date, e.g. 2025-01-06' });

/** Days of the week, Sunday first as `Date#getUTCDay` numbers them. */
export const weekdays = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;
export const weekdaySchema = z.enum(weekdays);
export type Weekday = z.infer<typeof weekdaySchema>;

/** True when the runtime's time-zone database knows `zone` (an IANA name such as America/Los_Angeles). */
const isKnownTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const timeZoneSchema = z
  .string()
  .refine(isKnownTimeZone, { message: 'expected an IANA time zone, e.g. America/Los_Angeles' });

/**
 * The clinic's clock of a program that names none: UTC calendar weeks from Monday, and a two-week
 * correction window (EHRs post attendance at the end of the day or week, and a week's review must
 * still be correctable after the following week's). Program files fill these through zod; the
 * workflow fills them into programs carried by journeys admitted before the clock existed.
 */
export const clinicClockDefaults = {
  timeZone: 'UTC',
  weekStartsOn: 'monday',
  correctionWindowDays: 14,
} as const satisfies { timeZone: string; weekStartsOn: Weekday; correctionWindowDays: number };

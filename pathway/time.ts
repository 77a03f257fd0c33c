/**
 * Pure instant arithmetic on ISO-8601 strings. Parsing is deterministic; nothing here reads a clock.
 */

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

export const toMillis = (instant: string): number => Date.parse(instant);

export const addHours = (instant: string, hours: number): string =>
  new Date(toMillis(instant) + hours * hourMs).toISOString();

export const addDays = (instant: string, days: number): string => addHours(instant, days * 24);

/** The UTC calendar day of an instant, e.g. a billing service day. */
export const dayOf = (instant: string): string => new Date(toMillis(instant)).toISOString().slice(0, 10);

/** Midnight UTC starting a calendar day. */
export const startOfDay = (date: string): string => `${date}T00:00:00.000Z`;

export const isBefore = (a: string, b: string): boolean => toMillis(a) < toMillis(b);

export const later = (a: string, b: string): string => (isBefore(a, b) ? b : a);

export const daysBetween = (from: string, to: string): number => (toMillis(to) - toMillis(from)) / dayMs;

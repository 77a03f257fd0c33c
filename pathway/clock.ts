import type { ProgramDefinition } from '../schemas';
import { weekdays, type Weekday } from '../schemas/time';
import { addDays, dayOf, toMillis } from './time';

const dayMillis = 86_400_000;

/**
 * The clinic's clock: calendar days and weeks in the program's IANA time zone, read from the
 * runtime's time-zone database through `Intl` (deterministic, and available in Temporal's workflow
 * sandbox). Nothing here reads the current time.
 */
export interface ClinicClock {
  timeZone: string;
  weekStartsOn: Weekday;
}

/**
 * The program's clock, or null for a program carried by a journey admitted before the clinic's
 * clock existed: such journeys keep their 7-day weeks from the admission instant, in UTC days.
 */
export const clinicClock = (program: ProgramDefinition): ClinicClock | null =>
  (program.timeZone as string | undefined) === undefined
    ? null
    : { timeZone: program.timeZone, weekStartsOn: program.weekStartsOn };

const formats = new Map<string, Intl.DateTimeFormat>();
const formatFor = (timeZone: string): Intl.DateTimeFormat => {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format;
};

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const localTime = (timeZone: string, millis: number): LocalTime => {
  const parts: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(new Date(millis)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return { year, month, day, hour, minute, second };
};

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
const offsetAt = (timeZone: string, millis: number): number => {
  const t = localTime(timeZone, millis);
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return wall - Math.floor(millis / 1000) * 1000;
};

const isoDate = (t: Pick<LocalTime, 'year' | 'month' | 'day'>): string =>
  `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;

/** The clinic's calendar day of an instant, e.g. the service day billed for a session. */
export const localDay = (clock: ClinicClock | null, instant: string): string =>
  clock === null ? dayOf(instant) : isoDate(localTime(clock.timeZone, toMillis(instant)));

/** A calendar date `days` later (date arithmetic, independent of any zone). */
const addDateDays = (date: string, days: number): string => dayOf(addDays(`${date}T00:00:00.000Z`, days));

const weekdayIndex = (date: string): number => new Date(`${date}T00:00:00.000Z`).getUTCDay();

/**
 * The instant a local calendar day begins. Where a daylight-saving change skips midnight, the day
 * begins at the first local time that exists; where midnight happens twice, at the first.
 */
export const startOfLocalDay = (clock: ClinicClock, date: string): string => {
  const wallMidnight = toMillis(`${date}T00:00:00.000Z`);
  // Midnight under the offset in force either side of any change near it; the earliest of those
  // that falls on `date` begins it (at a skipped midnight the earlier offset lands just after the jump).
  const [first] = [wallMidnight - 2 * dayMillis, wallMidnight + 2 * dayMillis]
    .map((probe) => wallMidnight - offsetAt(clock.timeZone, probe))
    .filter((millis) => isoDate(localTime(clock.timeZone, millis)) === date)
    .sort((x, y) => x - y);
  return new Date(first ?? wallMidnight - offsetAt(clock.timeZone, wallMidnight)).toISOString();
};

export interface WeekSpan {
  start: string;
  end: string;
}

/** The clinic's calendar week holding an instant: from local midnight of `weekStartsOn`, 7 local days. */
export const calendarWeek = (clock: ClinicClock, instant: string): WeekSpan => {
  const date = localDay(clock, instant);
  const sinceStart = (weekdayIndex(date) - weekdays.indexOf(clock.weekStartsOn) + 7) % 7;
  const first = addDateDays(date, -sinceStart);
  return { start: startOfLocalDay(clock, first), end: startOfLocalDay(clock, addDateDays(first, 7)) };
};

/** True when the instant falls on a Saturday or Sunday of the clinic's calendar. */
export const isLocalWeekend = (clock: ClinicClock | null, instant: string): boolean => {
  const weekday = weekdayIndex(localDay(clock, instant));
  return weekday === 0 || weekday === 6;
};

/** Local days from the day of `from` up to (not including) the day `end` begins. */
export const localDaysBetween = (clock: ClinicClock, from: string, end: string): number => {
  const first = localDay(clock, from);
  const last = localDay(clock, end);
  return Math.round((toMillis(`${last}T00:00:00.000Z`) - toMillis(`${first}T00:00:00.000Z`)) / dayMillis);
};

/** The instant as the clinic's wall clock shows it, with its offset, e.g. 2027-03-14T00:00:00-08:00. */
export const localDateTime = (clock: ClinicClock, instant: string): string => {
  const millis = toMillis(instant);
  const t = localTime(clock.timeZone, millis);
  const offsetMinutes = Math.round(offsetAt(clock.timeZone, millis) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${isoDate(t)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
};

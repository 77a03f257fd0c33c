import type { LevelOfCare } from './api/client';

export const levelNames: Readonly<Record<LevelOfCare, string>> = {
  detox: 'Detox',
  residential: 'Residential',
  php: 'PHP',
  iop: 'IOP',
  outpatient: 'Outpatient',
  aftercare: 'Aftercare',
};
export const levels = Object.keys(levelNames) as LevelOfCare[];

/** Codes read as words: `relapse-step-up` → `relapse step up`. */
export const words = (code: string) => code.replace(/-/g, ' ');

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatDate = (iso: string) => date.format(new Date(iso));

export const daysSince = (iso: string, now = Date.now()) =>
  Math.max(0, Math.floor((now - new Date(iso).getTime()) / 86_400_000));

export const hours = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${Math.round(value * 10) / 10} h`;

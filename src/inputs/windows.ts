/**
 * `maintenance-window`: `[days] HH:MM-HH:MM [IANA zone]`, several separated by `;` or new lines, e.g.
 * `Sat,Sun 02:00-06:00 Asia/Shanghai; Mon-Fri 23:00-01:00 UTC`. Days default to every day, the zone to UTC.
 * A window whose end is before its start crosses midnight and belongs to the day it starts on.
 */
import type { MaintenanceWindow } from '../settings.js';
import { InputError, quote } from './errors.js';

const INPUT = 'maintenance-window';
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const FORMAT = 'write e.g. "Sat,Sun 02:00-06:00 Asia/Shanghai" (days and zone optional; several separated by ;)';

export function parseMaintenanceWindows(value: string): MaintenanceWindow[] {
  return value
    .split(/[;\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parseWindow);
}

function parseWindow(text: string): MaintenanceWindow {
  // Spaces around the separators are allowed ("Sat, Sun 02:00 - 06:00"); zone names contain no spaces.
  const tokens = text.replace(/\s*([,-])\s*/g, '$1').split(/\s+/);
  const timeIndex = tokens.findIndex((token) => /^\d/.test(token));
  if (timeIndex < 0 || timeIndex > 1 || tokens.length > timeIndex + 2) {
    throw new InputError(INPUT, `${quote(text)} is not a window`, { fix: FORMAT });
  }
  const days = timeIndex === 1 ? parseDays(tokens[0], text) : [];
  const [startMinute, endMinute] = parseTimes(tokens[timeIndex], text);
  const timeZone = tokens[timeIndex + 1] ?? 'UTC';
  checkTimeZone(timeZone);
  return { days, startMinute, endMinute, timeZone };
}

function dayNumber(token: string, text: string): number {
  const lower = token.toLowerCase();
  // Two letters already tell every day apart (Tu/Th, Sa/Su).
  const day = lower.length >= 2 ? DAY_NAMES.findIndex((name) => name.startsWith(lower)) : -1;
  if (day < 0) {
    throw new InputError(INPUT, `${quote(token)} in ${quote(text)} is not a day`, {
      fix: 'use Mon, Tue, Wed, Thu, Fri, Sat, Sun (comma lists and ranges like Mon-Fri work)',
    });
  }
  return day;
}

/** `Sat,Sun`, `Mon-Fri`, `Fri-Mon` (wraps over the weekend); returned sorted, without duplicates. */
function parseDays(token: string, text: string): number[] {
  const days = new Set<number>();
  for (const part of token.split(',')) {
    const [from, to, extra] = part.split('-');
    if (extra !== undefined || from === '') {
      throw new InputError(INPUT, `${quote(part)} in ${quote(text)} is not a day or day range`, { fix: FORMAT });
    }
    const first = dayNumber(from, text);
    const last = to === undefined ? first : dayNumber(to, text);
    for (let day = first; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === last) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

function parseTimes(token: string, text: string): [number, number] {
  const match = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(token);
  if (!match) {
    throw new InputError(INPUT, `${quote(token)} in ${quote(text)} is not a time span`, {
      fix: 'write the span as HH:MM-HH:MM in 24-hour time, e.g. 02:00-06:00',
    });
  }
  const minute = (hours: string, minutes: string): number => {
    const value = Number(hours) * 60 + Number(minutes);
    if (Number(minutes) > 59 || value > 24 * 60) {
      throw new InputError(INPUT, `${hours}:${minutes} in ${quote(text)} is not a time of day`, {
        fix: 'use times from 00:00 to 24:00',
      });
    }
    return value;
  };
  const start = minute(match[1], match[2]);
  const end = minute(match[3], match[4]);
  if (start === 24 * 60) {
    throw new InputError(INPUT, `${quote(text)} starts at 24:00`, { fix: 'start the window at 00:00 instead' });
  }
  if (start === end) {
    throw new InputError(INPUT, `${quote(text)} is empty (starts and ends at the same time)`, {
      fix: 'give an end after the start, or 00:00-24:00 for the whole day',
    });
  }
  return [start, end];
}

function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new InputError(INPUT, `${quote(timeZone)} is not a time zone`, {
      fix: 'use an IANA zone name such as UTC, Asia/Shanghai or Europe/Berlin',
    });
  }
}

/**
 * Maintenance windows: whether `now` falls inside one, when the next one opens, and what the run does
 * outside (`outside-window`). Wall time is computed in each window's IANA zone through Intl, so windows
 * follow daylight-saving changes. A window whose end is not after its start crosses midnight: it belongs
 * to the day it starts on (`Sat 23:00-02:00` covers Sunday 01:00).
 */
import type { MaintenanceWindow } from '../settings.js';

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
/** Longest daylight-saving jump searched across when a window's start falls into a skipped hour. */
const GAP_SEARCH_MINUTES = 180;

interface WallTime {
  year: number;
  month: number;
  day: number;
  weekday: number;
  /** Minutes since local midnight. */
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallTime(instant: number, timeZone: string): WallTime & { second: number } {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: DAY_NAMES.indexOf(parts.weekday),
    minute: Number(parts.hour) * 60 + Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Local offset from UTC at an instant, in ms (UTC+8 → +8 h). */
function offsetAt(instant: number, timeZone: string): number {
  const w = wallTime(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, 0, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

function covers(w: MaintenanceWindow, weekday: number, minute: number): boolean {
  const onDay = (d: number) => w.days.length === 0 || w.days.includes(d);
  if (w.startMinute < w.endMinute) return onDay(weekday) && minute >= w.startMinute && minute < w.endMinute;
  // Crosses midnight (equal bounds: a full day from the start): the tail belongs to the previous day.
  return (onDay(weekday) && minute >= w.startMinute) || (onDay((weekday + 6) % 7) && minute < w.endMinute);
}

function inOne(instant: number, w: MaintenanceWindow): boolean {
  const t = wallTime(instant, w.timeZone);
  return covers(w, t.weekday, t.minute);
}

/** Whether `now` is inside any window; no windows means any time. */
export function inWindow(now: Date, windows: MaintenanceWindow[]): boolean {
  return windows.length === 0 || windows.some((w) => inOne(now.getTime(), w));
}

/**
 * The first instant of a window's opening on a local calendar day. Both offsets around the day are tried
 * (a start inside a repeated hour happens twice: the earlier counts); a start inside a skipped hour opens
 * at the first wall time after the gap.
 */
function openingOn(w: MaintenanceWindow, year: number, month: number, day: number): number | undefined {
  const naive = Date.UTC(year, month - 1, day, 0, w.startMinute);
  const halfDay = (DAY_MINUTES / 2) * MINUTE_MS;
  let t = Math.min(naive - offsetAt(naive - halfDay, w.timeZone), naive - offsetAt(naive + halfDay, w.timeZone));
  for (let i = 0; i <= GAP_SEARCH_MINUTES; i++, t += MINUTE_MS) {
    if (inOne(t, w)) return t;
  }
  return undefined;
}

/** When the next window opens: `now` itself when inside one; undefined without windows. */
export function nextWindowStart(now: Date, windows: MaintenanceWindow[]): Date | undefined {
  if (windows.length === 0) return undefined;
  if (inWindow(now, windows)) return now;
  let best: number | undefined;
  for (const w of windows) {
    const today = wallTime(now.getTime(), w.timeZone);
    // A week and a day covers every weekday, plus a start that moved across midnight by a DST shift.
    for (let offset = 0; offset <= 8; offset++) {
      const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
      if (w.days.length > 0 && !w.days.includes(date.getUTCDay())) continue;
      const opens = openingOn(w, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
      if (opens !== undefined && opens > now.getTime()) {
        if (best === undefined || opens < best) best = opens;
        break;
      }
    }
  }
  return best === undefined ? undefined : new Date(best);
}

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** A window as the input spells it: `Sat,Sun 02:00-06:00 Asia/Shanghai`. */
export function describeWindow(w: MaintenanceWindow): string {
  const days = w.days.length === 0 ? '' : `${w.days.map((d) => DAY_NAMES[d]).join(',')} `;
  return `${days}${hhmm(w.startMinute)}-${hhmm(w.endMinute)} ${w.timeZone}`;
}

export function formatDuration(ms: number): string {
  const minutes = Math.ceil(ms / MINUTE_MS);
  const d = Math.floor(minutes / DAY_MINUTES);
  const h = Math.floor((minutes % DAY_MINUTES) / 60);
  const m = minutes % 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m || (!d && !h) ? `${m}m` : ''].filter(Boolean).join(' ');
}

export type WindowDecision =
  | { action: 'run' }
  | { action: 'skip' | 'fail'; message: string; opensAt?: Date }
  | { action: 'wait'; ms: number; opensAt: Date; message: string };

/** What the run does now, given the windows and `outside-window` (`wait` bounded by `max-wait`). */
export function decideWindow(
  now: Date,
  windows: MaintenanceWindow[],
  outsideWindow: 'skip' | 'fail' | 'wait',
  maxWaitSeconds: number,
): WindowDecision {
  if (inWindow(now, windows)) return { action: 'run' };
  const opensAt = nextWindowStart(now, windows);
  const list = windows.map(describeWindow).join('; ');
  const when = opensAt
    ? `; the next one opens at ${opensAt.toISOString()} (in ${formatDuration(opensAt.getTime() - now.getTime())})`
    : '';
  const outside = `${now.toISOString()} is outside the maintenance window (${list})${when}`;
  if (outsideWindow !== 'wait' || !opensAt) {
    return {
      action: outsideWindow === 'skip' ? 'skip' : 'fail',
      message: outside,
      ...(opensAt ? { opensAt } : {}),
    };
  }
  const ms = opensAt.getTime() - now.getTime();
  if (ms > maxWaitSeconds * 1000) {
    return {
      action: 'fail',
      message: `${outside}, longer than max-wait (${formatDuration(maxWaitSeconds * 1000)})`,
      opensAt,
    };
  }
  return { action: 'wait', ms, opensAt, message: `${outside}: waiting` };
}

import type { MaintenanceWindow } from '../../src/settings.js';
import { decideWindow, describeWindow, formatDuration, inWindow, nextWindowStart } from '../../src/versions/window.js';

const SUN = 0;
const MON = 1;
const FRI = 5;
const SAT = 6;
const at = (iso: string) => new Date(iso);
const hm = (h: number, m = 0) => h * 60 + m;
function win(days: number[], start: number, end: number, timeZone: string): MaintenanceWindow {
  return { days, startMinute: start, endMinute: end, timeZone };
}

// 2026-01-01 is a Thursday: Sat 3 Jan, Sun 4 Jan, Mon 5 Jan.
const weekendShanghai = win([SAT, SUN], hm(2), hm(6), 'Asia/Shanghai'); // Sat,Sun 02:00-06:00 Asia/Shanghai
const satNightUtc = win([SAT], hm(23), hm(2), 'UTC'); // Sat 23:00-02:00 UTC
const berlinOffice = win([MON, 2, 3, 4, FRI], hm(9), hm(17), 'Europe/Berlin');

describe('inWindow', () => {
  test.each([
    // window, now (UTC), inside?
    ['weekend Shanghai: Sat 04:00 local', weekendShanghai, '2026-01-02T20:00:00Z', true],
    ['weekend Shanghai: Sun 02:30 local (Sat 18:30 UTC)', weekendShanghai, '2026-01-03T18:30:00Z', true],
    ['weekend Shanghai: Sat 02:00 local, the first minute', weekendShanghai, '2026-01-02T18:00:00Z', true],
    ['weekend Shanghai: Mon 06:00 local, end exclusive', weekendShanghai, '2026-01-04T22:00:00Z', false],
    ['weekend Shanghai: Sat 02:00 UTC is Sat 10:00 local', weekendShanghai, '2026-01-03T02:00:00Z', false],
    ['weekend Shanghai: Fri 22:00 UTC is Sat 06:00 local', weekendShanghai, '2026-01-02T22:00:00Z', false],
    ['across midnight: Sat 23:30', satNightUtc, '2026-01-03T23:30:00Z', true],
    ['across midnight: Sun 01:00 belongs to Saturday night', satNightUtc, '2026-01-04T01:00:00Z', true],
    ['across midnight: Sun 02:00, end exclusive', satNightUtc, '2026-01-04T02:00:00Z', false],
    ['across midnight: Sat 01:00 would be Friday night', satNightUtc, '2026-01-03T01:00:00Z', false],
    ['across midnight: Sun 23:30 is not a Saturday', satNightUtc, '2026-01-04T23:30:00Z', false],
    ['Berlin in winter (UTC+1): 07:30 UTC is 08:30', berlinOffice, '2026-01-05T07:30:00Z', false],
    ['Berlin in summer (UTC+2): 07:30 UTC is 09:30', berlinOffice, '2026-07-06T07:30:00Z', true],
    ['Berlin in summer: 15:30 UTC is 17:30', berlinOffice, '2026-07-06T15:30:00Z', false],
    [
      'half-hour zone: 03:45 UTC is 09:15 in Kolkata',
      win([], hm(9), hm(10), 'Asia/Kolkata'),
      '2026-01-05T03:45:00Z',
      true,
    ],
    ['equal bounds: a whole day from the start', win([MON], hm(12), hm(12), 'UTC'), '2026-01-06T11:59:00Z', true],
    ['equal bounds: ends where it started', win([MON], hm(12), hm(12), 'UTC'), '2026-01-06T12:00:00Z', false],
  ])('%s', (_name, w, now, inside) => {
    expect(inWindow(at(now), [w])).toBe(inside);
  });

  test('no windows means any time', () => {
    expect(inWindow(at('2026-01-05T12:00:00Z'), [])).toBe(true);
  });

  test('several windows: inside any of them', () => {
    const both = [win([MON, 2, 3, 4, FRI], hm(22), hm(23), 'UTC'), weekendShanghai];
    expect(inWindow(at('2026-01-05T22:30:00Z'), both)).toBe(true); // Mon 22:30 UTC
    expect(inWindow(at('2026-01-02T20:00:00Z'), both)).toBe(true); // Sat 04:00 Shanghai
    expect(inWindow(at('2026-01-05T12:00:00Z'), both)).toBe(false);
  });

  test('daylight saving: New York winter and summer offsets both apply', () => {
    const nightly = win([], hm(2), hm(4), 'America/New_York');
    expect(inWindow(at('2026-01-15T07:30:00Z'), [nightly])).toBe(true); // 02:30 EST
    expect(inWindow(at('2026-07-15T06:30:00Z'), [nightly])).toBe(true); // 02:30 EDT
    expect(inWindow(at('2026-07-15T07:30:00Z'), [nightly])).toBe(true); // 03:30 EDT
    expect(inWindow(at('2026-07-15T08:30:00Z'), [nightly])).toBe(false); // 04:30 EDT
  });
});

describe('nextWindowStart', () => {
  test.each([
    ['inside: now', [weekendShanghai], '2026-01-02T20:00:00Z', '2026-01-02T20:00:00.000Z'],
    [
      'Wednesday → Sat 02:00 Shanghai (Fri 18:00 UTC)',
      [weekendShanghai],
      '2026-01-07T12:00:00Z',
      '2026-01-09T18:00:00.000Z',
    ],
    ['Sat 07:00 Shanghai → Sun 02:00', [weekendShanghai], '2026-01-02T23:00:00Z', '2026-01-03T18:00:00.000Z'],
    ['Sun 07:00 Shanghai → next Saturday', [weekendShanghai], '2026-01-03T23:00:00Z', '2026-01-09T18:00:00.000Z'],
    ['Saturday noon → Sat 23:00 the same day', [satNightUtc], '2026-01-03T12:00:00Z', '2026-01-03T23:00:00.000Z'],
    ['Sun 03:00 → next Saturday 23:00', [satNightUtc], '2026-01-04T03:00:00Z', '2026-01-10T23:00:00.000Z'],
    [
      'the earliest of several windows',
      [weekendShanghai, win([MON, 2, 3, 4, FRI], hm(22), hm(23), 'UTC')],
      '2026-01-07T12:00:00Z',
      '2026-01-07T22:00:00.000Z',
    ],
    ['Berlin Monday 09:00 in summer is 07:00 UTC', [berlinOffice], '2026-07-04T12:00:00Z', '2026-07-06T07:00:00.000Z'],
    [
      // 2026-03-08: New York skips 02:00-03:00; a window starting 02:30 opens at 03:00 EDT.
      'a start inside the skipped hour opens when the clock resumes',
      [win([], hm(2, 30), hm(4), 'America/New_York')],
      '2026-03-08T05:00:00Z',
      '2026-03-08T07:00:00.000Z',
    ],
    [
      // 2026-11-01: New York repeats 01:00-02:00; the first 01:30 (EDT) counts.
      'a start inside the repeated hour opens at its first occurrence',
      [win([], hm(1, 30), hm(1, 45), 'America/New_York')],
      '2026-11-01T04:00:00Z',
      '2026-11-01T05:30:00.000Z',
    ],
    [
      'across the spring-forward night, the next start keeps its wall time',
      [win([], hm(3), hm(4), 'Europe/Berlin')],
      '2026-03-28T03:00:00Z',
      '2026-03-29T01:00:00.000Z',
    ],
  ])('%s', (_name, windows, now, expected) => {
    expect(nextWindowStart(at(now), windows)?.toISOString()).toBe(expected);
  });

  test('no windows: nothing to wait for', () => {
    expect(nextWindowStart(at('2026-01-05T12:00:00Z'), [])).toBeUndefined();
  });
});

describe('decideWindow: outside-window skip, fail or wait (bounded by max-wait)', () => {
  const wed = at('2026-01-07T12:00:00Z'); // Wed 20:00 Shanghai; the window opens Fri 18:00 UTC, in 2d 6h

  test('inside the window: run, whatever outside-window says', () => {
    expect(decideWindow(at('2026-01-02T20:00:00Z'), [weekendShanghai], 'fail', 0)).toEqual({ action: 'run' });
    expect(decideWindow(wed, [], 'fail', 0)).toEqual({ action: 'run' });
  });

  test('skip', () => {
    expect(decideWindow(wed, [weekendShanghai], 'skip', 3600)).toEqual({
      action: 'skip',
      opensAt: at('2026-01-09T18:00:00Z'),
      message:
        '2026-01-07T12:00:00.000Z is outside the maintenance window (Sat,Sun 02:00-06:00 Asia/Shanghai); ' +
        'the next one opens at 2026-01-09T18:00:00.000Z (in 2d 6h)',
    });
  });

  test('fail', () => {
    expect(decideWindow(wed, [weekendShanghai], 'fail', 3600)).toMatchObject({ action: 'fail' });
  });

  test('wait: until the window opens, when that is within max-wait', () => {
    const fridayEvening = at('2026-01-09T17:20:00Z');
    expect(decideWindow(fridayEvening, [weekendShanghai], 'wait', 3600)).toEqual({
      action: 'wait',
      ms: 40 * 60_000,
      opensAt: at('2026-01-09T18:00:00Z'),
      message:
        '2026-01-09T17:20:00.000Z is outside the maintenance window (Sat,Sun 02:00-06:00 Asia/Shanghai); ' +
        'the next one opens at 2026-01-09T18:00:00.000Z (in 40m): waiting',
    });
  });

  test('wait: fails at once when the window opens after max-wait', () => {
    const d = decideWindow(wed, [weekendShanghai], 'wait', 3600);
    expect(d.action).toBe('fail');
    expect(d.action === 'fail' && d.message).toMatch(/\(in 2d 6h\), longer than max-wait \(1h\)$/);
  });
});

test('describeWindow and formatDuration', () => {
  expect(describeWindow(satNightUtc)).toBe('Sat 23:00-02:00 UTC');
  expect(describeWindow(win([], hm(9, 5), hm(17), 'Europe/Berlin'))).toBe('09:05-17:00 Europe/Berlin');
  expect(formatDuration(0)).toBe('0m');
  expect(formatDuration(30_000)).toBe('1m');
  expect(formatDuration(3_600_000)).toBe('1h');
  expect(formatDuration(26 * 3_600_000 + 60_000)).toBe('1d 2h 1m');
});

import { parseMaintenanceWindows } from '../../src/inputs/windows.js';

const SAT = 6;
const SUN = 0;

describe('maintenance-window', () => {
  test.each([
    ['', []],
    [
      'Sat,Sun 02:00-06:00 Asia/Shanghai',
      [{ days: [SUN, SAT], startMinute: 120, endMinute: 360, timeZone: 'Asia/Shanghai' }],
    ],
    ['02:00-06:00', [{ days: [], startMinute: 120, endMinute: 360, timeZone: 'UTC' }]],
    [
      'Mon-Fri 23:00-01:00 Europe/Berlin',
      [{ days: [1, 2, 3, 4, 5], startMinute: 1380, endMinute: 60, timeZone: 'Europe/Berlin' }],
    ],
    ['Fri-Mon 00:00-24:00', [{ days: [0, 1, 5, 6], startMinute: 0, endMinute: 1440, timeZone: 'UTC' }]],
    ['saturday, sunday 2:00 - 6:30', [{ days: [SUN, SAT], startMinute: 120, endMinute: 390, timeZone: 'UTC' }]],
    [
      'Tu,Th 12:00-13:00 America/Port-au-Prince',
      [{ days: [2, 4], startMinute: 720, endMinute: 780, timeZone: 'America/Port-au-Prince' }],
    ],
    [
      'Sat 02:00-06:00 UTC; Wed 22:00-23:00 Asia/Shanghai',
      [
        { days: [SAT], startMinute: 120, endMinute: 360, timeZone: 'UTC' },
        { days: [3], startMinute: 1320, endMinute: 1380, timeZone: 'Asia/Shanghai' },
      ],
    ],
  ])('%j', (value, expected) => {
    expect(parseMaintenanceWindows(value)).toEqual(expected);
  });

  test('several windows may also be given one per line', () => {
    expect(parseMaintenanceWindows('Sat 02:00-03:00\nSun 02:00-03:00')).toHaveLength(2);
  });

  test.each([
    ['Sat,Sun', /"Sat,Sun" is not a window/],
    ['Sat 02:00-06:00 Asia/Shanghai extra', /is not a window/],
    ['Someday 02:00-06:00', /"Someday" in .* is not a day. Fix: use Mon, Tue/],
    ['S 02:00-06:00', /"S" in .* is not a day/],
    ['Mon-Wed-Fri 02:00-06:00', /"Mon-Wed-Fri" in .* is not a day or day range/],
    ['Sat 2am-6am', /is not a window|is not a time span/],
    ['Sat 02:00', /"02:00" in .* is not a time span. Fix: write the span as HH:MM-HH:MM/],
    ['Sat 25:00-26:00', /25:00 in .* is not a time of day. Fix: use times from 00:00 to 24:00/],
    ['Sat 02:60-03:00', /02:60 .* is not a time of day/],
    ['Sat 24:00-02:00', /starts at 24:00/],
    ['Sat 02:00-02:00', /is empty \(starts and ends at the same time\)/],
    ['Sat 02:00-06:00 Mars/Olympus', /"Mars\/Olympus" is not a time zone. Fix: use an IANA zone name/],
    ['Sat 02:00-06:00 CST+8', /is not a time zone/],
  ])('%j is refused', (value, message) => {
    expect(() => parseMaintenanceWindows(value)).toThrow(message);
    expect(() => parseMaintenanceWindows(value)).toThrow(/^Input 'maintenance-window'/);
  });
});

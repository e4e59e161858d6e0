import { redactReport } from '../../src/report/redact.js';
import type { RunReport } from '../../src/report/types.js';
import { rolledBack } from './report-fixtures.js';

const SECRET = 'sk-stubapikey0001';
const mask = (text: string): string => text.split(SECRET).join('***');

describe('redactReport', () => {
  const leaky: RunReport = {
    ...rolledBack,
    message: `login with ${SECRET} failed`,
    previousVersions: { [SECRET]: 'v1' },
    hosts: rolledBack.hosts.map((h) => ({ ...h, logExcerpt: [`Authorization: Bearer ${SECRET}`, 'fine'] })),
  };

  test('masks every string of the report, nested ones and keys included', () => {
    const r = redactReport(leaky, mask);
    expect(r.message).toBe('login with *** failed');
    expect(r.hosts[0]?.logExcerpt).toEqual(['Authorization: Bearer ***', 'fine']);
    expect(r.previousVersions).toEqual({ '***': 'v1' });
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  test('leaves the input untouched and the rest of the report as it was', () => {
    const r = redactReport(leaky, mask);
    expect(leaky.message).toBe(`login with ${SECRET} failed`);
    expect({ ...r, message: '', previousVersions: {}, hosts: [] }).toEqual({
      ...leaky,
      message: '',
      previousVersions: {},
      hosts: [],
    });
    expect(r.hosts[0]?.durationMs).toBe(leaky.hosts[0]?.durationMs);
  });
});

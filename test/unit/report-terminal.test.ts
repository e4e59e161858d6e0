import { renderTerminal } from '../../src/report/terminal.js';
import { huge, hostile, planned, refused, rollbackFailed, rolledBack, updatedCluster } from './report-fixtures.js';

describe('terminal view', () => {
  test.each([
    ['an updated cluster', updatedCluster],
    ['a rolled-back update', rolledBack],
    ['a refused update', refused],
    ['a dry run', planned],
    ['a failed rollback', rollbackFailed],
    ['hostile remote text', hostile],
  ])('renders %s', (_name, report) => {
    expect(renderTerminal(report, { color: false })).toMatchSnapshot();
  });

  test('the host table aligns its columns', () => {
    const lines = renderTerminal(updatedCluster, { color: false }).split('\n');
    const header = lines.find((l) => l.trimStart().startsWith('HOST')) ?? '';
    const row = lines.find((l) => l.trimStart().startsWith('slave-2')) ?? '';
    expect(row.indexOf('v0.9.6')).toBe(header.indexOf('VERSION'));
    expect(row.indexOf('✓ updated')).toBe(header.indexOf('OUTCOME'));
  });

  test('checks show ✓, ✗ and – with their details', () => {
    const text = renderTerminal(rollbackFailed, { color: false });
    expect(text).toContain('    ✗ logs  1 line matched [FATAL]\n        │ [FATAL] 2025/11/20 |');
    expect(renderTerminal(updatedCluster, { color: false })).toContain('    – api-call     no api-key given');
  });

  test('colours only when asked', () => {
    expect(renderTerminal(rolledBack, { color: false })).not.toContain('\u001b');
    expect(renderTerminal(rolledBack, { color: true })).toContain(
      '\u001b[31m\u001b[1m↩ New API update to v0.10.3-crash rolled back',
    );
  });

  test('remote text cannot inject terminal escapes or workflow commands into the log', () => {
    for (const report of [hostile, huge]) {
      const text = renderTerminal(report, { color: false });
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      for (const line of text.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
    }
  });

  test('a long log is cut to its first and last lines', () => {
    const text = renderTerminal(huge, { color: false });
    expect(text).toContain('│ … 9950 lines omitted …');
    expect(text).toContain('line 9999 [FATAL]');
    expect(text).not.toContain('line 500 [FATAL]');
  });
});

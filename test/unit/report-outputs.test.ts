import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputsFor, reportJson, writeOutputs } from '../../src/report/outputs.js';
import type { RunReport } from '../../src/report/types.js';
import { huge, planned, rolledBack, updatedCluster } from './report-fixtures.js';

/** Reads a GITHUB_OUTPUT file the way the runner does: `name<<DELIMITER`, value lines, `DELIMITER`. */
function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(ghadelimiter_[0-9a-f-]+)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const value: string[] = [];
    for (i++; lines[i] !== m[2]; i++) value.push(lines[i] ?? '');
    out[m[1] ?? ''] = value.join('\n');
  }
  return out;
}

describe('outputs', () => {
  test('map the report onto the contract names', () => {
    const o = outputsFor(planned);
    expect(o.result).toBe('planned');
    expect(o['update-available']).toBe('true');
    expect(o.version).toBe('v0.10.1');
    expect(JSON.parse(o['previous-versions'])).toEqual({ master: 'v0.9.6', 'slave-1': 'v0.9.6' });
    expect(JSON.parse(o.report)).toEqual(JSON.parse(JSON.stringify(planned)));
    expect(outputsFor(rolledBack)['update-available']).toBe('false');
  });

  test('are written to GITHUB_OUTPUT in the runner format, multi-line values included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outputs-'));
    const file = join(dir, 'output');
    writeFileSync(file, '');
    const saved = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = file;
    try {
      const report: RunReport = { ...rolledBack, message: 'line one\nline two' };
      writeOutputs(report);
      const parsed = parseOutputFile(readFileSync(file, 'utf8'));
      expect(Object.keys(parsed)).toEqual(['result', 'update-available', 'version', 'previous-versions', 'report']);
      expect(parsed.result).toBe('rolled-back');
      expect(parsed.version).toBe('v0.10.3-crash');
      expect(JSON.parse(parsed['previous-versions'] ?? '')).toEqual({ master: 'v0.10.1', 'slave-1': 'v0.10.1' });
      expect(JSON.parse(parsed.report ?? '').message).toBe('line one\nline two');
    } finally {
      if (saved === undefined) delete process.env.GITHUB_OUTPUT;
      else process.env.GITHUB_OUTPUT = saved;
    }
  });
});

describe('report JSON', () => {
  test('has a stable key order, whatever order the report was built in', () => {
    const shuffled = Object.fromEntries(Object.entries(updatedCluster).reverse()) as unknown as RunReport;
    expect(reportJson(shuffled)).toBe(reportJson(updatedCluster));
    const keys = Object.keys(JSON.parse(reportJson(updatedCluster)) as object);
    expect(keys.slice(0, 6)).toEqual(['schemaVersion', 'result', 'version', 'message', 'dryRun', 'environment']);
    const host = (JSON.parse(reportJson(updatedCluster)) as { hosts: object[] }).hosts[0] ?? {};
    expect(Object.keys(host).slice(0, 4)).toEqual(['name', 'role', 'method', 'outcome']);
  });

  test('keeps fields it does not know yet, after the documented ones', () => {
    const extended = { ...updatedCluster, zeta: 1, alpha: 2 } as unknown as RunReport;
    const keys = Object.keys(JSON.parse(reportJson(extended)) as object);
    expect(keys.slice(-2)).toEqual(['alpha', 'zeta']);
  });

  test('a huge report is shortened to fit an output: notes bodies first, then log lines', () => {
    const json = reportJson(huge, 200_000);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(200_000);
    const parsed = JSON.parse(json) as RunReport;
    expect(parsed.truncated).toBe(true);
    expect(parsed.releaseNotes[0]?.body).toBe('');
    expect(parsed.releaseNotes[0]?.highlights).toEqual(huge.releaseNotes[0]?.highlights);
    const log = parsed.hosts[0]?.logExcerpt ?? [];
    expect(log[0]).toMatch(/^line 0 /);
    expect(log[log.length - 1]).toMatch(/^line 9999 /);
    expect(log.some((l) => /lines omitted/.test(l))).toBe(true);
    expect(JSON.parse(reportJson(updatedCluster)).truncated).toBeUndefined();
  });
});

describe('docs/report-schema.md', () => {
  const doc = readFileSync(new URL('../../docs/report-schema.md', import.meta.url), 'utf8');

  test('documents every field the output carries', () => {
    const keys = new Set<string>();
    const collect = (v: unknown, record = false): void => {
      if (Array.isArray(v)) v.forEach((x) => collect(x));
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (!record) keys.add(k);
          collect(x, k === 'previousVersions');
        }
      }
    };
    for (const r of [updatedCluster, rolledBack, planned, huge]) collect(JSON.parse(reportJson(r, 200_000)));
    for (const k of keys) expect(doc).toContain(`| \`${k}\` |`);
  });

  test('its example is in the order the output uses', () => {
    const example = /## Example\n\n```json\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? '';
    const parsed = JSON.parse(example) as RunReport;
    expect(reportJson(parsed)).toBe(JSON.stringify(parsed));
  });
});

import { jest } from '@jest/globals';
import { annotate, annotationsFor } from '../../src/report/annotations.js';
import type { HostReport, RunReport } from '../../src/report/types.js';
import { hostile, planned, rollbackFailed, rolledBack, updatedCluster } from './report-fixtures.js';

describe('annotations', () => {
  test('a successful run has none', () => {
    expect(annotationsFor(updatedCluster)).toEqual([]);
  });

  test('a rolled-back host is an error titled with its name, saying why', () => {
    expect(annotationsFor(rolledBack)).toEqual([
      {
        level: 'error',
        title: 'New API update: master rolled back',
        message:
          'master did not become healthy within 30 s: container exited with code 1\nstatus: no answer on /api/status within 30 s',
      },
    ]);
  });

  test('a failed rollback carries the recovery commands', () => {
    const [a] = annotationsFor(rollbackFailed);
    expect(a?.title).toBe('New API update: master rollback failed');
    expect(a?.message).toContain('Manual recovery needed:\ndocker stop new-api');
  });

  test('a host that failed before it was touched (preflight) is an error too', () => {
    const unreachable: RunReport = {
      ...rolledBack,
      hosts: [{ ...(rolledBack.hosts[1] as HostReport), error: 'slave-1: connection refused on port 22' }],
    };
    expect(annotationsFor(unreachable)).toEqual([
      {
        level: 'error',
        title: 'New API update: slave-1 not started',
        message: 'slave-1: connection refused on port 22',
      },
    ]);
  });

  test('warnings become warning annotations', () => {
    expect(annotationsFor(planned)).toEqual([
      {
        level: 'warning',
        title: 'New API update',
        message: 'ssh-insecure-skip-host-key-check is true: host keys are not verified',
      },
    ]);
  });

  test("the run's message is the step's failure line, so it is not repeated as an annotation", () => {
    const bare: RunReport = {
      ...rolledBack,
      hosts: [],
      errors: ['could not resolve the target'],
      result: 'failed',
      message: 'could not resolve the target',
    };
    expect(annotationsFor(bare)).toEqual([]);
  });

  test('a failed run with no message and no detail still says how it ended', () => {
    const bare: RunReport = { ...rolledBack, hosts: [], errors: [], result: 'failed', message: '' };
    expect(annotationsFor(bare)).toEqual([
      { level: 'error', title: 'New API update to v0.10.3-crash failed', message: 'failed' },
    ]);
  });

  test("at most 10 of each level: the 10th summarises the rest (GitHub drops what's beyond)", () => {
    const host = rolledBack.hosts[0] as HostReport;
    const many: RunReport = {
      ...rolledBack,
      hosts: Array.from({ length: 25 }, (_, i) => ({ ...host, name: `slave-${i}` })),
      warnings: Array.from({ length: 12 }, (_, i) => `warning ${i}`),
    };
    const list = annotationsFor(many);
    const errors = list.filter((a) => a.level === 'error');
    const warnings = list.filter((a) => a.level === 'warning');
    expect(errors).toHaveLength(10);
    expect(warnings).toHaveLength(10);
    expect(errors[9]?.title).toBe('New API update: 16 more errors');
    expect(errors[9]?.message.split('\n')[0]).toBe(
      'New API update: slave-9 rolled back: master did not become healthy within 30 s: container exited with code 1',
    );
    expect(warnings[9]?.title).toBe('New API update: 3 more warnings');
  });

  test('remote text cannot forge workflow commands', () => {
    for (const a of annotationsFor(hostile)) {
      for (const line of a.message.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
      expect(a.message).not.toMatch(/\u001b/);
    }
  });

  test('are issued as ::error/::warning commands with a title', () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      annotate({ ...rolledBack, warnings: ['disk 91% full'] });
      const out = write.mock.calls.map((c) => String(c[0])).join('');
      expect(out).toContain('::error title=New API update%3A master rolled back::master did not become healthy');
      expect(out).toContain('::warning title=New API update::disk 91%25 full');
    } finally {
      write.mockRestore();
    }
  });
});

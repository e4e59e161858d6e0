/**
 * Secrets out of the report before it leaves the run. The runner masks registered secrets in the log,
 * but not in PR comments, deployment descriptions or (for the `report` output) at all: it drops an
 * output that contains one. A token echoed by a host into a log line must not end up there.
 */
import type { RunReport } from './types.js';

const MASK = '***';

/** A copy of `report` with every occurrence of every secret (and of each line of a multi-line one) masked. */
export function redactReport(report: RunReport, secrets: readonly string[]): RunReport {
  const needles = [...new Set(secrets.flatMap((s) => [s, ...s.split(/\r?\n/)]).map((s) => s.trim()))]
    .filter((s) => s.length > 0)
    // Longest first, so a secret containing another is masked whole.
    .sort((a, b) => b.length - a.length);
  if (needles.length === 0) return report;
  const scrub = (text: string): string => needles.reduce((t, n) => t.split(n).join(MASK), text);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k), walk(v)]));
    }
    return value;
  };
  return walk(report) as RunReport;
}

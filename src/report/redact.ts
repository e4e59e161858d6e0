/**
 * Secrets out of the report before it leaves the run. The runner masks registered secrets in the log,
 * but not in PR comments, deployment descriptions or (for the `report` output) at all: it drops an
 * output that contains one. A token echoed by a host into a log line must not end up there.
 */
import type { RunReport } from './types.js';

/** A copy of `report` with `mask` (the run's Masker) applied to every string in it, keys included. */
export function redactReport(report: RunReport, mask: (text: string) => string): RunReport {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return mask(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [mask(k), walk(v)]));
    }
    return value;
  };
  return walk(report) as RunReport;
}

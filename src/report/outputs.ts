/**
 * The action's outputs (see docs/report-schema.md for the `report` JSON).
 * `outputsFor` and `reportJson` are pure; `writeOutputs` hands them to the runner.
 */
import * as core from '@actions/core';
import type { CheckResult } from '../checks/types.js';
import type { BackupRecord, HostReport, ReleaseNote, RunReport, StepRecord } from './types.js';

export interface ActionOutputs {
  result: string;
  'update-available': 'true' | 'false';
  version: string;
  /** JSON object: host name → version before the run. */
  'previous-versions': string;
  /** The RunReport as JSON, keys in the documented order. */
  report: string;
}

/** GitHub caps one output at 1 MiB; the report stays well below, leaving room for the other outputs. */
export const REPORT_OUTPUT_MAX_BYTES = 900_000;

export function outputsFor(report: RunReport): ActionOutputs {
  return {
    result: report.result,
    'update-available': report.updateAvailable ? 'true' : 'false',
    version: report.version,
    'previous-versions': JSON.stringify(report.previousVersions),
    report: reportJson(report),
  };
}

export function writeOutputs(report: RunReport): void {
  for (const [name, value] of Object.entries(outputsFor(report))) core.setOutput(name, value);
}

/**
 * The report as JSON with a stable key order (the order of docs/report-schema.md; fields this version
 * does not know, added later, follow in alphabetical order), so consumers and diffs see the same shape
 * every run. Over `maxBytes`, release note bodies are dropped first, then log lines and evidence
 * are cut from the middle, and `truncated` is set.
 */
export function reportJson(report: RunReport, maxBytes = REPORT_OUTPUT_MAX_BYTES): string {
  const full = JSON.stringify(ordered(report));
  if (Buffer.byteLength(full) <= maxBytes) return full;
  const noBodies: RunReport = {
    ...report,
    truncated: true,
    releaseNotes: report.releaseNotes.map((n) => ({ ...n, body: '' })),
  };
  const lighter = JSON.stringify(ordered(noBodies));
  if (Buffer.byteLength(lighter) <= maxBytes) return lighter;
  // Halve the kept log lines until it fits; a report of thousands of hosts still ends up valid JSON.
  for (let keep = 200; ; keep = Math.floor(keep / 2)) {
    const slim: RunReport = { ...noBodies, hosts: noBodies.hosts.map((h) => slimHost(h, keep)) };
    const json = JSON.stringify(ordered(slim));
    if (Buffer.byteLength(json) <= maxBytes || keep === 0) return json;
  }
}

function slimHost(host: HostReport, keep: number): HostReport {
  const cut = (lines: string[] | undefined): string[] | undefined => {
    if (!lines || lines.length <= keep) return lines;
    const head = Math.ceil(keep / 4);
    return [
      ...lines.slice(0, head),
      `… ${lines.length - keep} lines omitted …`,
      ...lines.slice(lines.length - (keep - head)),
    ];
  };
  return {
    ...host,
    logExcerpt: cut(host.logExcerpt),
    checks: host.checks.map((c) => ({ ...c, evidence: cut(c.evidence) })),
  };
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Copies `value` with `keys` first (in that order), then any other own keys alphabetically. */
function pick<T extends object>(
  value: T,
  keys: readonly (keyof T & string)[],
  map: (key: string, v: unknown) => Json,
): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  const rest = Object.keys(value)
    .filter((k) => !(keys as readonly string[]).includes(k))
    .sort();
  for (const k of [...keys, ...rest]) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = map(k, v);
  }
  return out;
}

const plain = (_k: string, v: unknown): Json => v as Json;

function ordered(r: RunReport): { [key: string]: Json } {
  return pick(
    r,
    [
      'schemaVersion',
      'result',
      'version',
      'message',
      'dryRun',
      'environment',
      'updateAvailable',
      'startedAt',
      'finishedAt',
      'durationMs',
      'previousVersions',
      'plan',
      'hosts',
      'backups',
      'releaseNotes',
      'warnings',
      'errors',
      'runUrl',
      'truncated',
    ],
    (k, v) => {
      if (k === 'hosts') return (v as HostReport[]).map(orderedHost);
      if (k === 'backups')
        return (v as BackupRecord[]).map((b) => pick(b, ['host', 'kind', 'path', 'bytes', 'sha256'], plain));
      if (k === 'releaseNotes')
        return (v as ReleaseNote[]).map((n) =>
          pick(n, ['tag', 'name', 'url', 'prerelease', 'highlights', 'body'], plain),
        );
      return v as Json;
    },
  );
}

function orderedHost(h: HostReport): { [key: string]: Json } {
  return pick(
    h,
    [
      'name',
      'role',
      'method',
      'outcome',
      'versionBefore',
      'versionAfter',
      'durationMs',
      'downtimeMs',
      'error',
      'checks',
      'steps',
      'logExcerpt',
      'manualRecovery',
    ],
    (k, v) => {
      if (k === 'checks')
        return (v as CheckResult[]).map((c) => pick(c, ['name', 'status', 'detail', 'evidence'], plain));
      if (k === 'steps') return (v as StepRecord[]).map((s) => pick(s, ['label', 'ok', 'durationMs', 'detail'], plain));
      return v as Json;
    },
  );
}

/**
 * The report's vocabulary, shared by every renderer so the summary, the PR comment, the terminal view
 * and the annotations describe a run in the same words. Returns plain text: callers escape.
 */
import type { CheckStatus } from '../checks/types.js';
import type { HostOutcome, HostReport, RunReport, RunResult } from './types.js';

export type Tone = 'good' | 'bad' | 'warn' | 'info';

interface Look {
  emoji: string;
  /** Terminal symbol (single column, no emoji presentation). */
  symbol: string;
  tone: Tone;
}

const RESULT_LOOK: Record<RunResult, Look> = {
  updated: { emoji: '✅', symbol: '✓', tone: 'good' },
  'up-to-date': { emoji: '✅', symbol: '✓', tone: 'good' },
  'rolled-back': { emoji: '↩️', symbol: '↩', tone: 'bad' },
  failed: { emoji: '❌', symbol: '✗', tone: 'bad' },
  refused: { emoji: '⛔', symbol: '✗', tone: 'bad' },
  skipped: { emoji: '⏭️', symbol: '–', tone: 'warn' },
  planned: { emoji: '📝', symbol: '○', tone: 'info' },
};

export function resultLook(result: RunResult): Look {
  return RESULT_LOOK[result];
}

/** The headline without decoration: "New API updated to v0.9.6". */
export function resultTitle(report: Pick<RunReport, 'result' | 'version'>): string {
  const to = report.version ? ` to ${report.version}` : '';
  switch (report.result) {
    case 'updated':
      return `New API updated${to}`;
    case 'up-to-date':
      return report.version ? `New API is up to date (${report.version})` : 'New API is up to date';
    case 'rolled-back':
      return `New API update${to} rolled back`;
    case 'failed':
      return `New API update${to} failed`;
    case 'refused':
      return `New API update${to} refused`;
    case 'skipped':
      return `New API update${to} skipped`;
    case 'planned':
      return `New API update${to} planned (dry run)`;
  }
}

const OUTCOME_LOOK: Record<HostOutcome, Look & { label: string }> = {
  updated: { emoji: '✅', symbol: '✓', tone: 'good', label: 'updated' },
  'up-to-date': { emoji: '✅', symbol: '✓', tone: 'good', label: 'up to date' },
  'rolled-back': { emoji: '↩️', symbol: '↩', tone: 'bad', label: 'rolled back' },
  'rollback-failed': { emoji: '🚨', symbol: '✗', tone: 'bad', label: 'rollback failed' },
  failed: { emoji: '❌', symbol: '✗', tone: 'bad', label: 'failed' },
  'left-failed': { emoji: '❌', symbol: '✗', tone: 'bad', label: 'failed, left for inspection' },
  'not-started': { emoji: '⏸️', symbol: '–', tone: 'warn', label: 'not started' },
  planned: { emoji: '📝', symbol: '○', tone: 'info', label: 'planned' },
};

export function outcomeLook(outcome: HostOutcome): Look & { label: string } {
  return OUTCOME_LOOK[outcome];
}

/** Outcomes that need an explanation (error, log lines, the rollback) in the report. */
export function isTroubled(host: HostReport): boolean {
  return OUTCOME_LOOK[host.outcome].tone === 'bad' || Boolean(host.error) || (host.logExcerpt?.length ?? 0) > 0;
}

const CHECK_LOOK: Record<CheckStatus, { emoji: string; symbol: string; tone: Tone }> = {
  pass: { emoji: '✅', symbol: '✓', tone: 'good' },
  fail: { emoji: '❌', symbol: '✗', tone: 'bad' },
  skipped: { emoji: '⏭', symbol: '–', tone: 'info' },
};

export function checkLook(status: CheckStatus): { emoji: string; symbol: string; tone: Tone } {
  return CHECK_LOOK[status];
}

/**
 * The versions one host went through: `[before, after]` for an update, `[before, target, after]` for a
 * rollback (what was tried and what serves now), one version when nothing changed.
 */
export function versionPath(host: HostReport, target: string): string[] {
  const before = host.versionBefore || '?';
  const after = host.versionAfter || '?';
  switch (host.outcome) {
    case 'up-to-date':
      return [host.versionAfter || before];
    case 'not-started':
      return [before];
    case 'planned':
      return [before, target || '?'];
    case 'rolled-back':
      return target ? [before, target, after] : [before, after];
    default:
      return after === before ? [before] : [before, after];
  }
}

/** What the node ended up doing, for hosts whose update went wrong. */
export function rollbackSentence(host: HostReport, target: string): string | undefined {
  const serving = host.versionAfter || host.versionBefore;
  switch (host.outcome) {
    case 'rolled-back':
      return `Rolled back${target ? ` from ${target}` : ''}: the node serves ${serving ?? 'its previous version'} again.`;
    case 'rollback-failed':
      return 'The rollback failed: the node may not be serving. Recover it with the commands below.';
    case 'left-failed':
      return `Left as it failed for inspection (rollback: never)${host.versionAfter ? `, running ${host.versionAfter}` : ''}.`;
    case 'failed':
      return serving ? `The node serves ${serving}.` : undefined;
    default:
      return undefined;
  }
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(sec).padStart(2, '0')} s`;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** First 12 hex digits: enough to compare with `sha256sum` output by eye. */
export function shortSha(sha256: string): string {
  return sha256.slice(0, 12);
}

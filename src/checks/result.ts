/** Building check results: one place decides how "could not check" and quoted evidence look. */
import type { CheckName } from '../settings.js';
import { AuthError, CouldNotCheck } from './newapi-client.js';
import type { CheckContext, CheckResult } from './types.js';

const MAX_EVIDENCE_LINES = 20;
const MAX_LINE_CHARS = 400;
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

export function pass(name: CheckName, detail: string): CheckResult {
  return { name, status: 'pass', detail };
}

export function fail(name: CheckName, detail: string, evidence?: string[]): CheckResult {
  return evidence && evidence.length > 0
    ? { name, status: 'fail', detail, evidence }
    : { name, status: 'fail', detail };
}

export function skipped(name: CheckName, reason: string): CheckResult {
  return { name, status: 'skipped', detail: reason };
}

/** 2FA, rate limits and missing credentials are "could not check" (skipped); anything else fails the check. */
export function fromError(name: CheckName, err: unknown): CheckResult {
  if (err instanceof CouldNotCheck) return skipped(name, err.message);
  return fail(name, err instanceof Error ? err.message : String(err));
}

/**
 * For checks that only read through the admin account: a rejected login is the admin-login check's
 * failure, so here it is reported as "could not check" instead of failing a second check for one cause.
 */
export function adminReadError(name: CheckName, err: unknown): CheckResult {
  if (err instanceof AuthError) return skipped(name, `could not check: admin credentials rejected (${err.message})`);
  return fromError(name, err);
}

/** Log lines as quoted in the report: colour codes stripped, secrets masked, long lines cut, at most 20. */
export function quoteLines(ctx: Pick<CheckContext, 'settings' | 'state'>, lines: string[]): string[] {
  const secrets = [...ctx.settings.secrets, ...ctx.state.secrets].filter((s) => s.length >= 4);
  const out = lines.slice(0, MAX_EVIDENCE_LINES).map((raw) => {
    let line = raw.replace(ANSI, '').trimEnd();
    for (const s of secrets) line = line.split(s).join('***');
    return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
  });
  if (lines.length > MAX_EVIDENCE_LINES) out.push(`… ${lines.length - MAX_EVIDENCE_LINES} more`);
  return out;
}

/** Non-empty log lines without colour codes (the ready banner is coloured); output may use CRLF. */
export function logLines(text: string): string[] {
  return text
    .replace(ANSI, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
}

/** A global or sticky RegExp keeps state between test() calls: matching must not depend on the previous line. */
export function matchesAny(patterns: readonly RegExp[], line: string): boolean {
  return patterns.some((p) => {
    p.lastIndex = 0;
    return p.test(line);
  });
}

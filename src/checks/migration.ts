/**
 * New API migrates (gorm AutoMigrate) at every start, on the master only. There is no migration table, so
 * the evidence is the log: `database migration started`, then the banner `New API <v>  ready in N ms`
 * (since v0.9.1) or `[FATAL] … failed to initialize database` and exit 1. When admin credentials exist,
 * `/api/status/test` also proves the database answers.
 */
import type { HostSpec } from '../settings.js';
import { compareVersionTags, parseVersion } from '../versions/tags.js';
import { apiClient, AuthError, CouldNotCheck } from './newapi-client.js';
import { SLAVE_MIGRATION_REASON } from './plan.js';
import { fail, logLines, pass, quoteLines, skipped } from './result.js';
import type { Check, CheckContext, CheckResult } from './types.js';

const MIGRATION_STARTED = /database migration started/i;
const READY_BANNER = /New API\s+\S+\s+ready in\s+\d+\s*ms/i;
const FATAL = /\[FATAL\]/i;
const FIRST_VERSION_WITH_BANNER = parseVersion('v0.9.1')!;

export interface MigrationLog {
  started: boolean;
  /** The ready banner that followed the migration (or the first one, when no migration line was seen). */
  banner?: string;
  /** [FATAL] lines between the migration start and the banner (the end of the log when none followed). */
  fatal: string[];
}

export function readMigrationLog(text: string): MigrationLog {
  const lines = logLines(text);
  const start = lines.findIndex((l) => MIGRATION_STARTED.test(l));
  const from = Math.max(start, 0);
  const bannerAt = lines.findIndex((l, i) => i >= from && READY_BANNER.test(l));
  const until = bannerAt < 0 ? lines.length : bannerAt;
  return {
    started: start >= 0,
    banner: bannerAt < 0 ? undefined : lines[bannerAt].trim(),
    fatal: start < 0 ? [] : lines.slice(from, until).filter((l) => FATAL.test(l)),
  };
}

/** A crash whose log shows a migration that never completed is the migration's failure, not a plain crash. */
export function isFailedMigration(host: HostSpec, log: MigrationLog): boolean {
  return host.role === 'master' && log.started && !log.banner && log.fatal.length > 0;
}

/** The banner exists since v0.9.1; nightlies and unparsable tags are recent builds. */
function bannerExpected(target: string): boolean {
  const v = parseVersion(target);
  return !v || compareVersionTags(v, FIRST_VERSION_WITH_BANNER) >= 0;
}

type Finding = { verdict: 'pass' | 'fail' | 'unknown'; detail: string; evidence?: string[] };

async function fromLogs(ctx: CheckContext): Promise<Finding> {
  let text: string;
  try {
    text = await ctx.logs();
  } catch (e) {
    return { verdict: 'unknown', detail: `logs unreadable (${(e as Error).message})` };
  }
  const log = readMigrationLog(text);
  if (log.started && log.fatal.length > 0) {
    return {
      verdict: 'fail',
      detail: `database migration started, then ${log.fatal.length} [FATAL] line(s)`,
      evidence: quoteLines(ctx, log.fatal),
    };
  }
  if (log.banner) return { verdict: 'pass', detail: log.started ? `migrated; ${log.banner}` : log.banner };
  if (!log.started) return { verdict: 'unknown', detail: 'no migration lines in the logs since the new start' };
  if (bannerExpected(ctx.target)) {
    return { verdict: 'fail', detail: 'database migration started but the ready banner never followed' };
  }
  // Before v0.9.1 there is no banner: a serving /api/status is the sign the migration finished.
  try {
    const s = await apiClient(ctx.exec, ctx.settings).status();
    if (s.success) return { verdict: 'pass', detail: 'migrated without [FATAL]; /api/status answers' };
    return { verdict: 'fail', detail: `migration started, /api/status answers success:false ${s.message}`.trim() };
  } catch (e) {
    return { verdict: 'unknown', detail: `migration started, /api/status unreadable (${(e as Error).message})` };
  }
}

async function fromDatabaseProbe(ctx: CheckContext): Promise<Finding | undefined> {
  const client = apiClient(ctx.exec, ctx.settings);
  if (!client.hasAdminCredentials()) return undefined;
  try {
    const t = await client.statusTest();
    if (t.result === 'ok') return { verdict: 'pass', detail: 'database answers (/api/status/test)' };
    if (t.result === 'db-unreachable') {
      return { verdict: 'fail', detail: `database unreachable: /api/status/test answered 503 ${t.message}`.trim() };
    }
    return { verdict: 'unknown', detail: '/api/status/test not available on this version' };
  } catch (e) {
    if (e instanceof AuthError) return { verdict: 'unknown', detail: 'database probe: admin credentials rejected' };
    if (e instanceof CouldNotCheck) return { verdict: 'unknown', detail: `database probe: ${e.message}` };
    return { verdict: 'fail', detail: `database probe failed: ${(e as Error).message}` };
  }
}

export const migrationCheck: Check = {
  name: 'migration',
  async run(ctx): Promise<CheckResult> {
    if (ctx.host.role === 'slave') return skipped('migration', SLAVE_MIGRATION_REASON);
    const findings = [await fromLogs(ctx)];
    const probe = await fromDatabaseProbe(ctx);
    if (probe) findings.push(probe);
    const failed = findings.filter((f) => f.verdict === 'fail');
    if (failed.length > 0) {
      return fail(
        'migration',
        failed.map((f) => f.detail).join('; '),
        failed.flatMap((f) => f.evidence ?? []),
      );
    }
    const detail = findings.map((f) => f.detail).join('; ');
    if (findings.some((f) => f.verdict === 'pass')) return pass('migration', detail);
    return skipped('migration', `could not check: ${detail}`);
  },
};

import { ALL_CHECKS, type CheckName } from '../settings.js';
import { adminLoginCheck } from './admin-login.js';
import { apiCallCheck } from './api-call.js';
import { channelsCheck } from './channels.js';
import { logsCheck } from './logs.js';
import { migrationCheck } from './migration.js';
import { apiClient } from './newapi-client.js';
import { fromError, skipped } from './result.js';
import { statusCheck } from './status.js';
import type { Check, CheckContext, CheckResult } from './types.js';
import { versionCheck } from './version.js';

const CHECKS: Record<CheckName, Check> = {
  status: statusCheck,
  version: versionCheck,
  'admin-login': adminLoginCheck,
  'api-call': apiCallCheck,
  logs: logsCheck,
  migration: migrationCheck,
  channels: channelsCheck,
};

/** Checks that read what the database holds: meaningless once status found it empty. */
const NEED_DATA: readonly CheckName[] = ['admin-login', 'api-call', 'channels'];

/**
 * Runs the selected checks one after another (gentle on the rate limit), in the fixed order of ALL_CHECKS.
 * When the database turned out empty (setup:false, a status failure), the checks that read its content are
 * skipped pointing at status, so one cause is reported once.
 */
export async function runChecklist(ctx: CheckContext, selected: readonly CheckName[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let emptyDatabase = false;
  if (selected.some((n) => NEED_DATA.includes(n))) {
    try {
      emptyDatabase = (await apiClient(ctx.exec, ctx.settings).status()).setup === false;
    } catch {
      // the checks themselves will say what is wrong
    }
  }
  for (const name of ALL_CHECKS) {
    if (!selected.includes(name)) continue;
    if (emptyDatabase && NEED_DATA.includes(name)) {
      results.push(skipped(name, 'could not check: the database is empty (see status)'));
      continue;
    }
    try {
      results.push(await CHECKS[name].run(ctx));
    } catch (e) {
      results.push(fromError(name, e));
    }
  }
  return results;
}

/** Only a failed check fails the node; skipped ("could not check") never triggers a rollback. */
export function verdict(results: readonly CheckResult[]): 'pass' | 'fail' {
  return results.some((r) => r.status === 'fail') ? 'fail' : 'pass';
}

/** Which checks run on a node, and why the others do not. Pure. */
import { ALL_CHECKS, type CheckName, type HostSpec, type Settings } from '../settings.js';
import type { CheckResult } from './types.js';

/** Migrations run on the master only (NODE_TYPE=slave skips them). */
export const SLAVE_MIGRATION_REASON = 'slave: migrations run on the master';

export interface CheckSelection {
  run: CheckName[];
  /** The checks that will not run, as results ready for the report. */
  skipped: CheckResult[];
}

type Credentials = Pick<Settings, 'adminAccessToken' | 'adminUsername' | 'adminPassword' | 'apiKey'>;

function missingCredential(name: CheckName, s: Credentials): string | undefined {
  const admin = Boolean(s.adminAccessToken || (s.adminUsername && s.adminPassword));
  if ((name === 'admin-login' || name === 'channels') && !admin) {
    return 'no admin credentials (admin-access-token + admin-user-id, or admin-username + admin-password)';
  }
  if (name === 'api-call' && !s.apiKey) return 'no api-key';
  return undefined;
}

/**
 * `checks: auto` runs every check whose credentials were given; an explicit list runs exactly those (the
 * inputs already refused a listed check without its credentials). Without a host, the role is not considered.
 */
export function selectChecks(settings: Settings, host?: Pick<HostSpec, 'role'>): CheckSelection {
  const run: CheckName[] = [];
  const skipped: CheckResult[] = [];
  for (const name of ALL_CHECKS) {
    let reason: string | undefined;
    if (settings.checks !== 'auto') {
      if (!settings.checks.includes(name)) reason = `not in checks (${settings.checks.join(', ')})`;
    } else {
      reason = missingCredential(name, settings);
    }
    if (!reason && name === 'migration' && host?.role === 'slave') reason = SLAVE_MIGRATION_REASON;
    if (reason) skipped.push({ name, status: 'skipped', detail: reason });
    else run.push(name);
  }
  return { run, skipped };
}

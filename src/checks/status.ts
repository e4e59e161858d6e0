import { apiClient, type StatusInfo } from './newapi-client.js';
import { fail, fromError, pass } from './result.js';
import type { Baseline, Check, CheckResult } from './types.js';

/**
 * Judges one /api/status answer: the NEW process (start_time newer than before the update) serves with the
 * database it had (setup still true). Shared by the status check and the stability watch.
 */
export function judgeStatus(s: StatusInfo, baseline: Baseline): CheckResult {
  if (!s.success) return fail('status', `/api/status answered success:false${s.message ? `: ${s.message}` : ''}`);
  if (s.setup === false) {
    return fail(
      'status',
      'data.setup is false: the new process sees an EMPTY database (lost /data mount or wrong SQL_DSN?)',
    );
  }
  if (baseline.startTime !== undefined) {
    if (s.startTime === undefined) return fail('status', '/api/status has no start_time: cannot prove a restart');
    if (s.startTime <= baseline.startTime) {
      return fail(
        'status',
        `start_time ${s.startTime} is not newer than before the update (${baseline.startTime}): the old process is still serving`,
      );
    }
  }
  const since = s.startTime !== undefined ? ` since ${new Date(s.startTime * 1000).toISOString()}` : '';
  return pass('status', `serving${since}, setup complete`);
}

export const statusCheck: Check = {
  name: 'status',
  async run(ctx) {
    try {
      return judgeStatus(await apiClient(ctx.exec, ctx.settings).status(), ctx.baseline);
    } catch (e) {
      return fromError('status', e);
    }
  },
};

import { apiClient, type Channel, type NewApiClient } from './newapi-client.js';
import { adminReadError, fail, pass, skipped } from './result.js';
import type { Check, CheckContext, CheckResult } from './types.js';

export const CHANNEL_ENABLED = 1;
const STATUS_NAMES: Record<number, string> = { 1: 'enabled', 2: 'manually disabled', 3: 'auto-disabled' };

function describe(status: number | undefined): string {
  return status === undefined ? 'gone' : (STATUS_NAMES[status] ?? `status ${status}`);
}

/** `{id: status}` as kept in the baseline. */
export function channelSnapshot(channels: Channel[]): Record<number, number> {
  return Object.fromEntries(channels.map((c) => [c.id, c.status]));
}

/**
 * Compares the channels now with the snapshot taken before the update: a channel enabled before must still
 * be enabled, and the number of enabled channels must not drop. Pure, shared with the stability watch.
 */
export function compareChannels(before: Record<number, number>, now: Channel[]): CheckResult {
  const byId = new Map(now.map((c) => [c.id, c]));
  const lost: string[] = [];
  for (const [idText, status] of Object.entries(before)) {
    const id = Number(idText);
    if (status !== CHANNEL_ENABLED) continue;
    const c = byId.get(id);
    if (c?.status === CHANNEL_ENABLED) continue;
    lost.push(`channel ${id}${c?.name ? ` '${c.name}'` : ''} went from enabled to ${describe(c?.status)}`);
  }
  const enabledBefore = Object.values(before).filter((s) => s === CHANNEL_ENABLED).length;
  const enabledNow = now.filter((c) => c.status === CHANNEL_ENABLED).length;
  if (lost.length > 0) {
    return fail('channels', `${lost.join('; ')} (${enabledNow} enabled now, ${enabledBefore} before)`, lost);
  }
  if (enabledNow < enabledBefore) {
    return fail('channels', `enabled channels dropped from ${enabledBefore} to ${enabledNow}`);
  }
  return pass('channels', `${enabledNow} of ${now.length} channels enabled (${enabledBefore} before)`);
}

/** The opted-in, PAID upstream test of every enabled channel; sequential to stay under the rate limit. */
async function testEnabled(client: NewApiClient, now: Channel[]): Promise<{ ok: string[]; bad: string[] }> {
  const ok: string[] = [];
  const bad: string[] = [];
  for (const c of now.filter((ch) => ch.status === CHANNEL_ENABLED)) {
    const t = await client.testChannel(c.id);
    const label = `channel ${c.id} '${c.name}'`;
    if (t.ok) ok.push(`${label} ok${t.time !== undefined ? ` (${t.time.toFixed(2)} s)` : ''}`);
    else bad.push(`${label} test failed: ${t.message || 'no message'}`);
  }
  return { ok, bad };
}

export const channelsCheck: Check = {
  name: 'channels',
  async run(ctx: CheckContext) {
    const client = apiClient(ctx.exec, ctx.settings);
    if (!client.hasAdminCredentials()) return skipped('channels', 'no admin credentials given');
    const before = ctx.baseline.channels;
    if (!before) {
      const why = ctx.baseline.channelsUnavailable ? ` (${ctx.baseline.channelsUnavailable})` : '';
      return skipped('channels', `could not check: no channel snapshot from before the update${why}`);
    }
    try {
      const now = await client.channels();
      const compared = compareChannels(before, now);
      if (compared.status === 'fail' || !ctx.settings.testChannels) return compared;
      const tests = await testEnabled(client, now);
      if (tests.bad.length > 0) {
        return fail('channels', `${tests.bad.length} channel test(s) failed: ${tests.bad.join('; ')}`, tests.bad);
      }
      return pass('channels', `${compared.detail}; ${tests.ok.length} channel test(s) passed`);
    } catch (e) {
      return adminReadError('channels', e);
    }
  },
};

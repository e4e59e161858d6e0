import type { Settings } from '../settings.js';
import { channelSnapshot } from './channels.js';
import type { NewApiClient } from './newapi-client.js';
import { selectChecks } from './plan.js';
import type { Baseline } from './types.js';

/**
 * What the checks compare against, read before the node is touched. Never throws: a node that is down
 * before the update (the update may be its fix) simply has no start_time to compare with.
 */
export async function takeBaseline(client: NewApiClient, settings: Settings): Promise<Baseline> {
  const baseline: Baseline = {};
  try {
    const s = await client.status();
    if (s.success) {
      baseline.startTime = s.startTime;
      baseline.version = s.version;
    }
  } catch {
    // not serving now: readiness will accept any new process that answers
  }
  if (selectChecks(settings).run.includes('channels')) {
    try {
      baseline.channels = channelSnapshot(await client.channels());
    } catch (e) {
      baseline.channelsUnavailable = (e as Error).message;
    }
  }
  return baseline;
}

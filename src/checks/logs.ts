import { fail, logLines, matchesAny, pass, quoteLines, skipped } from './result.js';
import type { Check } from './types.js';

export const logsCheck: Check = {
  name: 'logs',
  async run(ctx) {
    let text: string;
    try {
      text = await ctx.logs();
    } catch (e) {
      return skipped('logs', `could not check: reading the logs failed: ${(e as Error).message}`);
    }
    const lines = logLines(text);
    // A process that started always logs something (at least the migration and the banner).
    if (lines.length === 0) return skipped('logs', 'could not check: no log output since the new start');
    const patterns = ctx.settings.logErrorPatterns;
    const offending = lines.filter((l) => matchesAny(patterns, l));
    const what = patterns.map((p) => p.source).join(', ');
    if (offending.length === 0) return pass('logs', `${lines.length} lines since the new start, none matching ${what}`);
    return fail(
      'logs',
      `${offending.length} of ${lines.length} lines since the new start match ${what}`,
      quoteLines(ctx, offending),
    );
  },
};

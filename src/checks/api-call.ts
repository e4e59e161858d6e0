import { apiClient, AuthError } from './newapi-client.js';
import { fail, fromError, pass, skipped } from './result.js';
import type { Check } from './types.js';

export const apiCallCheck: Check = {
  name: 'api-call',
  async run(ctx) {
    const key = ctx.settings.apiKey;
    if (!key) return skipped('api-call', 'no api-key given');
    try {
      const models = await apiClient(ctx.exec, ctx.settings).models(key);
      // A token restricted to no model, or a fresh install without channels, legitimately lists nothing.
      const sample = models.slice(0, 5).join(', ');
      return pass(
        'api-call',
        `${models.length} models${sample ? ` (${sample}${models.length > 5 ? ', …' : ''})` : ''}`,
      );
    } catch (e) {
      if (e instanceof AuthError) return fail('api-call', `api-key rejected: ${e.message}`);
      return fromError('api-call', e);
    }
  },
};

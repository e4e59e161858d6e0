import { sameTag } from '../versions/tags.js';
import { apiClient } from './newapi-client.js';
import { fail, fromError, pass, skipped } from './result.js';
import type { Check } from './types.js';

export const versionCheck: Check = {
  name: 'version',
  async run(ctx) {
    try {
      const s = await apiClient(ctx.exec, ctx.settings).status();
      if (!s.version) return fail('version', '/api/status reports no version');
      if (sameTag(s.version, ctx.target)) return pass('version', `${s.version} reported`);
      // Release binaries and plain `go build` source builds report v0.0.0: unknown, not wrong.
      if (sameTag(s.version, 'v0.0.0')) {
        return skipped('version', 'build reports v0.0.0 (version not injected)');
      }
      return fail('version', `${s.version} reported, expected ${ctx.target}`);
    } catch (e) {
      return fromError('version', e);
    }
  },
};

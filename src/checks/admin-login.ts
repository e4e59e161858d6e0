import { apiClient, AuthError, ROLE_ADMIN, ROLE_ROOT } from './newapi-client.js';
import { fail, fromError, pass, skipped } from './result.js';
import type { Check } from './types.js';

/**
 * Proves the dashboard login works on the new version. A password session from before the update is not
 * reused: the client drops it as soon as /api/status shows a new start_time (readiness always saw one),
 * so the login here runs against the new process.
 */
export const adminLoginCheck: Check = {
  name: 'admin-login',
  async run(ctx) {
    const client = apiClient(ctx.exec, ctx.settings);
    if (!client.hasAdminCredentials()) return skipped('admin-login', 'no admin credentials given');
    try {
      await client.authenticate();
      const me = await client.self();
      const role = me.role >= ROLE_ROOT ? 'root' : me.role >= ROLE_ADMIN ? 'admin' : 'user';
      const who = `${me.username || `user ${me.id}`} (role ${me.role}, ${role}) via ${client.authMethod()}`;
      if (me.role < ROLE_ADMIN) return fail('admin-login', `${who}: not an admin`);
      return pass('admin-login', `${who}`);
    } catch (e) {
      if (e instanceof AuthError) return fail('admin-login', `${client.authMethod()} rejected: ${e.message}`);
      return fromError('admin-login', e);
    }
  },
};

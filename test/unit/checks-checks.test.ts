import { adminLoginCheck } from '../../src/checks/admin-login.js';
import { apiCallCheck } from '../../src/checks/api-call.js';
import { channelsCheck } from '../../src/checks/channels.js';
import { logsCheck } from '../../src/checks/logs.js';
import { migrationCheck } from '../../src/checks/migration.js';
import { statusCheck } from '../../src/checks/status.js';
import { versionCheck } from '../../src/checks/version.js';
import { API_KEY, BOOT_LOG, FakeNewApi, makeCtx, withPassword, withToken } from './checks-fixtures.js';

const snapshot = { 1: 1, 2: 1, 3: 1, 4: 2 };

describe('status', () => {
  test('passes when the new process (newer start_time) serves with setup complete', async () => {
    const r = await statusCheck.run(makeCtx(new FakeNewApi({ startTime: 2000 }), { baseline: { startTime: 1000 } }));
    expect(r).toMatchObject({ name: 'status', status: 'pass' });
  });

  test('setup:false means an EMPTY database: fail', async () => {
    const r = await statusCheck.run(makeCtx(new FakeNewApi({ setup: false })));
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/EMPTY database/);
  });

  test('an unchanged start_time means the old process still serves: fail', async () => {
    const r = await statusCheck.run(makeCtx(new FakeNewApi({ startTime: 1000 }), { baseline: { startTime: 1000 } }));
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/old process is still serving/);
  });

  test('rate limited is skipped with the reason, never a failure', async () => {
    const r = await statusCheck.run(makeCtx(new FakeNewApi({ rateLimited: ['/api/status'] })));
    expect(r).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/^could not check: rate limited/) });
  });
});

describe('version', () => {
  test('equal after normalizing the v prefix', async () => {
    const r = await versionCheck.run(makeCtx(new FakeNewApi({ version: 'v0.10.3' }), { target: '0.10.3' }));
    expect(r).toMatchObject({ status: 'pass', detail: 'v0.10.3 reported' });
  });

  test('a different version fails, naming both', async () => {
    const r = await versionCheck.run(
      makeCtx(new FakeNewApi({ version: 'v0.10.1' }), { target: 'v0.10.3-wrongversion' }),
    );
    expect(r).toMatchObject({ status: 'fail', detail: 'v0.10.1 reported, expected v0.10.3-wrongversion' });
  });

  test('v0.0.0 (a source build without the ldflag) is skipped, not passed', async () => {
    const r = await versionCheck.run(makeCtx(new FakeNewApi({ version: 'v0.0.0' })));
    expect(r).toEqual({ name: 'version', status: 'skipped', detail: 'build reports v0.0.0 (version not injected)' });
  });
});

describe('admin-login', () => {
  test('access token: confirms an admin role', async () => {
    const r = await adminLoginCheck.run(makeCtx(new FakeNewApi(), { settings: withToken }));
    expect(r).toMatchObject({ status: 'pass', detail: 'root (role 100, root) via access token' });
  });

  test.each(['old', 'new'] as const)('password login in the %s scheme', async (scheme) => {
    const r = await adminLoginCheck.run(makeCtx(new FakeNewApi({ scheme }), { settings: withPassword }));
    expect(r).toMatchObject({ status: 'pass', detail: 'root (role 100, root) via password login' });
  });

  test('a non-admin account fails', async () => {
    const r = await adminLoginCheck.run(makeCtx(new FakeNewApi({ role: 1 }), { settings: withPassword }));
    expect(r).toMatchObject({ status: 'fail', detail: expect.stringMatching(/not an admin/) });
  });

  test.each(['old', 'new'] as const)('rejected credentials fail (%s error shape)', async (scheme) => {
    const r = await adminLoginCheck.run(makeCtx(new FakeNewApi({ scheme, rejectAll: true }), { settings: withToken }));
    expect(r).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^access token rejected/) });
  });

  test('2FA is "could not check", skipped', async () => {
    const r = await adminLoginCheck.run(makeCtx(new FakeNewApi({ twoFA: true }), { settings: withPassword }));
    expect(r).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/^could not check: 2FA/) });
  });

  test('a rate-limited login is "could not check", skipped', async () => {
    const api = new FakeNewApi({ rateLimited: ['/api/user/login'] });
    const r = await adminLoginCheck.run(makeCtx(api, { settings: withPassword }));
    expect(r).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/rate limited/) });
  });

  test('no credentials: skipped', async () => {
    expect((await adminLoginCheck.run(makeCtx(new FakeNewApi()))).status).toBe('skipped');
  });
});

describe('api-call', () => {
  test('a model list passes', async () => {
    const r = await apiCallCheck.run(makeCtx(new FakeNewApi(), { settings: { apiKey: API_KEY } }));
    expect(r).toMatchObject({ status: 'pass', detail: '2 models (gpt-4o, claude-3-5-sonnet)' });
  });

  test('an empty list is legitimate', async () => {
    const r = await apiCallCheck.run(makeCtx(new FakeNewApi({ models: [] }), { settings: { apiKey: API_KEY } }));
    expect(r).toMatchObject({ status: 'pass', detail: '0 models' });
  });

  test('a rejected key fails', async () => {
    const r = await apiCallCheck.run(makeCtx(new FakeNewApi(), { settings: { apiKey: 'sk-bad' } }));
    expect(r).toMatchObject({ status: 'fail', detail: expect.stringMatching(/api-key rejected: .*401/) });
  });
});

describe('logs', () => {
  test('clean logs pass', async () => {
    const r = await logsCheck.run(makeCtx(new FakeNewApi(), { logs: BOOT_LOG }));
    expect(r.status).toBe('pass');
  });

  test('[FATAL] and panic: lines fail, quoted in the evidence', async () => {
    const logs = `${BOOT_LOG}\n[FATAL] 2026/11/29 - 21:00:05 | something broke\npanic: runtime error: nil map\n`;
    const r = await logsCheck.run(makeCtx(new FakeNewApi(), { logs }));
    expect(r.status).toBe('fail');
    expect(r.evidence).toEqual(['[FATAL] 2026/11/29 - 21:00:05 | something broke', 'panic: runtime error: nil map']);
  });

  test('patterns come from log-error-patterns', async () => {
    const logs = `${BOOT_LOG}\n[ERR] 2026/11/29 | redis timeout`;
    const custom = makeCtx(new FakeNewApi(), { logs, settings: { logErrorPatterns: [/\[ERR\]/g] } });
    expect((await logsCheck.run(custom)).status).toBe('fail');
    expect((await logsCheck.run(makeCtx(new FakeNewApi(), { logs }))).status).toBe('pass');
  });

  test('evidence: at most 20 lines, secrets masked, colour codes stripped', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `\x1b[31m[FATAL]\x1b[0m line ${i} key=sk-secretvalue123`);
    const ctx = makeCtx(new FakeNewApi(), { logs: lines.join('\n'), settings: { secrets: ['sk-secretvalue123'] } });
    const r = await logsCheck.run(ctx);
    expect(r.evidence).toHaveLength(21);
    expect(r.evidence?.[0]).toBe('[FATAL] line 0 key=***');
    expect(r.evidence?.[20]).toBe('… 10 more');
  });

  test('no log output at all is "could not check"', async () => {
    expect((await logsCheck.run(makeCtx(new FakeNewApi(), { logs: '' }))).status).toBe('skipped');
  });
});

describe('migration', () => {
  test('slaves: skipped, migrations run on the master', async () => {
    const r = await migrationCheck.run(makeCtx(new FakeNewApi(), { host: { role: 'slave' }, logs: BOOT_LOG }));
    expect(r).toMatchObject({ status: 'skipped', detail: 'slave: migrations run on the master' });
  });

  test('migration started, then the ready banner: pass', async () => {
    const r = await migrationCheck.run(makeCtx(new FakeNewApi(), { logs: BOOT_LOG }));
    expect(r).toMatchObject({ status: 'pass', detail: expect.stringMatching(/ready in 812 ms/) });
  });

  test('the coloured banner as New API prints it (ANSI codes, two spaces) is recognised', async () => {
    const logs = '[SYS] x | database migration started \n\n  \x1b[32mNew API v0.10.3\x1b[0m  ready in 4 ms\n';
    const r = await migrationCheck.run(makeCtx(new FakeNewApi(), { logs }));
    expect(r).toMatchObject({ status: 'pass', detail: 'migrated; New API v0.10.3  ready in 4 ms' });
  });

  test('migration started, then [FATAL]: fail with the line', async () => {
    const logs = '[SYS] x | database migration started\n[FATAL] x | [failed to initialize database: table channels]';
    const r = await migrationCheck.run(makeCtx(new FakeNewApi(), { logs }));
    expect(r.status).toBe('fail');
    expect(r.evidence).toEqual(['[FATAL] x | [failed to initialize database: table channels]']);
  });

  test("a [FATAL] after the banner is the logs check's business, not a failed migration", async () => {
    const r = await migrationCheck.run(makeCtx(new FakeNewApi(), { logs: `${BOOT_LOG}\n[FATAL] later` }));
    expect(r.status).toBe('pass');
  });

  test('since v0.9.1 the banner must follow the migration', async () => {
    const logs = '[SYS] x | database migration started\n[SYS] x | still working';
    const r = await migrationCheck.run(makeCtx(new FakeNewApi(), { logs, target: 'v0.10.3' }));
    expect(r).toMatchObject({ status: 'fail', detail: expect.stringMatching(/banner never followed/) });
  });

  test('before v0.9.1 (no banner), a serving /api/status counts as readiness', async () => {
    const logs = '[SYS] x | database migration started\n[SYS] x | done';
    const r = await migrationCheck.run(makeCtx(new FakeNewApi({ version: 'v0.8.8.3' }), { logs, target: 'v0.8.8.3' }));
    expect(r.status).toBe('pass');
  });

  test('with admin credentials, a 503 from /api/status/test (database unreachable) fails', async () => {
    const r = await migrationCheck.run(
      makeCtx(new FakeNewApi({ dbUp: false }), { logs: BOOT_LOG, settings: withToken }),
    );
    expect(r).toMatchObject({ status: 'fail', detail: expect.stringMatching(/database unreachable/) });
  });

  test('rejected admin credentials do not fail the migration (admin-login reports them)', async () => {
    const api = new FakeNewApi({ rejectAll: true });
    const r = await migrationCheck.run(makeCtx(api, { logs: BOOT_LOG, settings: withToken }));
    expect(r.status).toBe('pass');
  });

  test('no migration lines and no credentials: could not check', async () => {
    const r = await migrationCheck.run(makeCtx(new FakeNewApi(), { logs: '[GIN] 200 GET /api/status' }));
    expect(r.status).toBe('skipped');
  });
});

describe('channels', () => {
  test('every channel enabled before is still enabled: pass', async () => {
    const ctx = makeCtx(new FakeNewApi(), { settings: withToken, baseline: { startTime: 1, channels: snapshot } });
    expect(await channelsCheck.run(ctx)).toMatchObject({
      status: 'pass',
      detail: '3 of 4 channels enabled (3 before)',
    });
  });

  test('a channel enabled before and auto-disabled now fails, naming id and name', async () => {
    const api = new FakeNewApi();
    api.opts.channels[2].status = 3;
    const ctx = makeCtx(api, { settings: withToken, baseline: { startTime: 1, channels: snapshot } });
    const r = await channelsCheck.run(ctx);
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/channel 3 'gemini' went from enabled to auto-disabled/);
  });

  test('a channel that is gone fails', async () => {
    const api = new FakeNewApi();
    api.opts.channels = api.opts.channels.filter((c) => c.id !== 1);
    const r = await channelsCheck.run(makeCtx(api, { settings: withToken, baseline: { channels: snapshot } }));
    expect(r.detail).toMatch(/channel 1 went from enabled to gone/);
  });

  test('a manually disabled channel may stay disabled; one re-enabled is fine', async () => {
    const api = new FakeNewApi();
    api.opts.channels[3].status = 1;
    const r = await channelsCheck.run(makeCtx(api, { settings: withToken, baseline: { channels: snapshot } }));
    expect(r.status).toBe('pass');
  });

  test('the paid channel test is never called unless test-channels is on', async () => {
    const api = new FakeNewApi();
    await channelsCheck.run(makeCtx(api, { settings: withToken, baseline: { channels: snapshot } }));
    expect(api.paths().some((p) => p.startsWith('/api/channel/test'))).toBe(false);
  });

  test('with test-channels, each enabled channel is tested and a failed test fails the check', async () => {
    const api = new FakeNewApi({ failingChannelTests: [2] });
    const ctx = makeCtx(api, {
      settings: { ...withToken, testChannels: true },
      baseline: { channels: snapshot },
    });
    const r = await channelsCheck.run(ctx);
    expect(api.paths().filter((p) => p.startsWith('/api/channel/test'))).toEqual([
      '/api/channel/test/1',
      '/api/channel/test/2',
      '/api/channel/test/3',
    ]);
    expect(r).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/channel 2 'claude' test failed: upstream said 401/),
    });
  });

  test('no snapshot from before the update: could not check, with the reason', async () => {
    const ctx = makeCtx(new FakeNewApi(), {
      settings: withPassword,
      baseline: { channelsUnavailable: 'could not check: 2FA is enabled for this admin account' },
    });
    expect(await channelsCheck.run(ctx)).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/2FA/) });
  });

  test('rejected admin credentials: skipped (admin-login fails for that), not a second failure', async () => {
    const api = new FakeNewApi({ rejectAll: true });
    const r = await channelsCheck.run(makeCtx(api, { settings: withToken, baseline: { channels: snapshot } }));
    expect(r.status).toBe('skipped');
  });
});

import { takeBaseline } from '../../src/checks/baseline.js';
import { runChecklist, verdict } from '../../src/checks/checklist.js';
import { NewApiClient } from '../../src/checks/newapi-client.js';
import { selectChecks } from '../../src/checks/plan.js';
import type { CheckResult } from '../../src/checks/types.js';
import {
  API_KEY,
  BOOT_LOG,
  FakeExec,
  FakeNewApi,
  makeCtx,
  makeSettings,
  TOKEN,
  withPassword,
  withToken,
} from './checks-fixtures.js';

describe('selectChecks', () => {
  test('auto without credentials: status, version, logs, migration; the rest skipped with the reason', () => {
    const sel = selectChecks(makeSettings(), { role: 'master' });
    expect(sel.run).toEqual(['status', 'version', 'logs', 'migration']);
    expect(sel.skipped.map((s) => [s.name, s.detail])).toEqual([
      ['admin-login', expect.stringMatching(/^no admin credentials/)],
      ['api-call', 'no api-key'],
      ['channels', expect.stringMatching(/^no admin credentials/)],
    ]);
  });

  test('auto with admin credentials (token or password) and an api key: everything', () => {
    for (const creds of [withToken, withPassword]) {
      expect(selectChecks(makeSettings({ ...creds, apiKey: API_KEY }), { role: 'master' }).run).toHaveLength(7);
    }
  });

  test('an explicit list runs exactly those, in the fixed order', () => {
    const sel = selectChecks(makeSettings({ checks: ['version', 'status'] }), { role: 'master' });
    expect(sel.run).toEqual(['status', 'version']);
    expect(sel.skipped.every((s) => s.detail === 'not in checks (version, status)')).toBe(true);
  });

  test('slaves do not run the migration check', () => {
    const sel = selectChecks(makeSettings(), { role: 'slave' });
    expect(sel.run).not.toContain('migration');
    expect(sel.skipped).toContainEqual({
      name: 'migration',
      status: 'skipped',
      detail: 'slave: migrations run on the master',
    });
  });
});

describe('verdict', () => {
  const r = (status: CheckResult['status']): CheckResult => ({ name: 'status', status, detail: '' });
  test('any failure fails; skipped never does', () => {
    expect(verdict([r('pass'), r('skipped')])).toBe('pass');
    expect(verdict([r('pass'), r('fail'), r('skipped')])).toBe('fail');
    expect(verdict([])).toBe('pass');
  });
});

describe('runChecklist', () => {
  test('a healthy node passes every selected check, in order', async () => {
    const ctx = makeCtx(new FakeNewApi(), {
      settings: { ...withToken, apiKey: API_KEY },
      baseline: { startTime: 1000, channels: { 1: 1, 2: 1, 3: 1, 4: 2 } },
      logs: BOOT_LOG,
    });
    const results = await runChecklist(ctx, selectChecks(ctx.settings, ctx.host).run);
    expect(results.map((x) => [x.name, x.status])).toEqual([
      ['status', 'pass'],
      ['version', 'pass'],
      ['admin-login', 'pass'],
      ['api-call', 'pass'],
      ['logs', 'pass'],
      ['migration', 'pass'],
      ['channels', 'pass'],
    ]);
  });

  test('an empty database fails status once; checks reading its content are skipped pointing at status', async () => {
    const ctx = makeCtx(new FakeNewApi({ setup: false, channels: [] }), {
      settings: { ...withPassword, apiKey: API_KEY },
      baseline: { startTime: 1000, channels: { 1: 1 } },
      logs: BOOT_LOG,
    });
    const results = await runChecklist(ctx, selectChecks(ctx.settings, ctx.host).run);
    expect(results.filter((x) => x.status === 'fail').map((x) => x.name)).toEqual(['status']);
    expect(results.find((x) => x.name === 'channels')?.detail).toMatch(/database is empty \(see status\)/);
  });

  test('logs that cannot be read are "could not check", and the other checks still run', async () => {
    const ctx = makeCtx(new FakeNewApi(), { logs: BOOT_LOG });
    ctx.logs = async () => {
      throw new Error('ssh: connection lost');
    };
    const results = await runChecklist(ctx, ['status', 'logs']);
    expect(results.map((x) => x.status)).toEqual(['pass', 'skipped']);
  });
});

describe('takeBaseline', () => {
  test('records start_time, version and the channel snapshot when admin credentials exist', async () => {
    const api = new FakeNewApi({ startTime: 1000, version: 'v0.10.2' });
    const b = await takeBaseline(
      new NewApiClient(new FakeExec(api), { accessToken: TOKEN, userId: '1' }),
      makeSettings(withToken),
    );
    expect(b).toEqual({ startTime: 1000, version: 'v0.10.2', channels: { 1: 1, 2: 1, 3: 1, 4: 2 } });
  });

  test('no admin credentials: no channel call at all', async () => {
    const api = new FakeNewApi();
    const b = await takeBaseline(new NewApiClient(new FakeExec(api), {}), makeSettings());
    expect(b.channels).toBeUndefined();
    expect(api.paths()).toEqual(['/api/status']);
  });

  test('2FA before the update: the reason is kept for the channels check', async () => {
    const api = new FakeNewApi({ twoFA: true });
    const client = new NewApiClient(new FakeExec(api), { username: 'root', password: 'hunter2-pass' });
    const b = await takeBaseline(client, makeSettings(withPassword));
    expect(b.channelsUnavailable).toMatch(/2FA/);
  });

  test('a node that is down before the update has no baseline start_time, and no error', async () => {
    const exec = new FakeExec(new FakeNewApi());
    exec.http = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    expect(await takeBaseline(new NewApiClient(exec, {}), makeSettings())).toEqual({});
  });
});

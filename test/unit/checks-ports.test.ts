import { checkPorts } from '../../src/checks/ports.js';
import { BOOT_LOG, FakeClock, FakeExec, FakeNewApi, makeCtx, makeHost, makeSettings } from './checks-fixtures.js';

describe('checkPorts (what the rollout calls)', () => {
  test('baseline → ready → checklist → stability on a healthy node; skipped checks listed with reasons', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ startTime: 1000, version: 'v0.10.2' }, clock);
    const ports = checkPorts(clock);
    const baseline = await ports.baseline(new FakeExec(api), makeHost(), makeSettings());
    expect(baseline).toEqual({ startTime: 1000, version: 'v0.10.2' });

    api.restart(2000, { version: 'v0.10.3' });
    const ctx = makeCtx(api, { baseline, logs: BOOT_LOG, settings: { stabilitySeconds: 5 } });
    expect(await ports.ready(ctx)).toMatchObject({ name: 'status', status: 'pass' });
    const first = await ports.checklist(ctx);
    expect(first.map((r) => `${r.name}:${r.status}`)).toEqual([
      'status:pass',
      'version:pass',
      'logs:pass',
      'migration:pass',
      'admin-login:skipped',
      'api-call:skipped',
      'channels:skipped',
    ]);
    expect((await ports.stability(ctx)).filter((r) => r.status === 'fail')).toEqual([]);
  });

  test('stability compares with the start_time readiness saw: a later restart fails it', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ startTime: 2000 }, clock);
    const ports = checkPorts(clock);
    let reads = 0;
    const ctx = makeCtx(api, {
      logs: BOOT_LOG,
      settings: { stabilitySeconds: 10 },
      // no restart count from this runtime (a source build's service): only start_time can tell
      runtime: () => {
        if (++reads === 3) api.restart(2007);
        return { running: true, restarting: false, detail: 'active (running)' };
      },
    });
    await ports.ready(ctx);
    const results = await ports.stability(ctx);
    expect(results[0]).toMatchObject({ name: 'status', status: 'fail' });
    expect(results[0].detail).toMatch(/start_time 2000 → 2007/);
  });

  test('serving: after a rollback, the old version answers again', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ version: 'v0.10.2' }, clock);
    expect(await checkPorts(clock).serving(new FakeExec(api), 'v0.10.2', 10_000)).toMatchObject({ ok: true });
  });
});

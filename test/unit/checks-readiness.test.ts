import { waitReady, waitServing, watchStability } from '../../src/checks/readiness.js';
import type { RuntimeState } from '../../src/methods/types.js';
import { BOOT_LOG, FakeClock, FakeExec, FakeNewApi, makeCtx, withToken } from './checks-fixtures.js';

const running: RuntimeState = { running: true, restarting: false, restartCount: 0, detail: 'running' };
const CRASH_LOG =
  '[SYS] x | SQLite database detected\n[FATAL] x | [failed to initialize database: open /data/one-api.db]';

/** A node whose state changes at given instants of the fake clock. */
function timeline(clock: FakeClock, steps: [number, RuntimeState][]): () => RuntimeState {
  return () => [...steps].reverse().find(([at]) => clock.now() >= at)?.[1] ?? running;
}

/** Runs `fn` once, on the first runtime read at or after `at` ms of the fake clock. */
function onceAt(clock: FakeClock, at: number, fn: () => void): () => RuntimeState {
  let done = false;
  return () => {
    if (!done && clock.now() >= at) {
      done = true;
      fn();
    }
    return { ...running, restartCount: undefined };
  };
}

function statusCalls(api: FakeNewApi): number {
  return api.paths().filter((p) => p === '/api/status').length;
}

describe('waitReady', () => {
  test('ready as soon as /api/status shows a new start_time', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ startTime: 2000 }, clock);
    const out = await waitReady(makeCtx(api, { baseline: { startTime: 1000 } }), { healthTimeoutMs: 120_000, clock });
    expect(out.result).toMatchObject({ name: 'status', status: 'pass' });
    expect(out.startTime).toBe(2000);
    expect(out.elapsedMs).toBeLessThan(500);
  });

  test('a crash at boot (docker restarting it) fails within about a second, with the log tail', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ listensAt: Infinity }, clock);
    const runtime = timeline(clock, [
      [0, running],
      [300, { running: false, restarting: true, exitCode: 1, restartCount: 1, detail: 'restarting, exit code 1' }],
    ]);
    const ctx = makeCtx(api, { runtime, logs: CRASH_LOG });
    const out = await waitReady(ctx, { healthTimeoutMs: 120_000, clock });
    expect(out.result).toMatchObject({ name: 'status', status: 'fail' });
    expect(out.result.detail).toMatch(/is restarting/);
    expect(out.result.evidence?.at(-1)).toMatch(/\[FATAL\].*failed to initialize database/);
    expect(out.elapsedMs).toBeLessThanOrEqual(1000);
  });

  test('a restart count that went up is a crash, even when the state reads running again', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ listensAt: Infinity }, clock);
    const runtime = timeline(clock, [[600, { ...running, restartCount: 1 }]]);
    const out = await waitReady(makeCtx(api, { runtime }), { healthTimeoutMs: 120_000, clock });
    expect(out.result.detail).toMatch(/restart count 0 → 1/);
    expect(out.elapsedMs).toBeLessThanOrEqual(1500);
  });

  test('an exited process (no restart policy) fails after two consecutive reads', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ listensAt: Infinity }, clock);
    const runtime = timeline(clock, [[200, { running: false, restarting: false, exitCode: 2, detail: 'exited (2)' }]]);
    const out = await waitReady(makeCtx(api, { runtime }), { healthTimeoutMs: 120_000, clock });
    expect(out.result.detail).toMatch(/exited with code 2/);
    expect(out.elapsedMs).toBeLessThanOrEqual(1500);
  });

  test("a crash during the migration on the master is the migration check's failure", async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ listensAt: Infinity }, clock);
    const runtime = timeline(clock, [[400, { ...running, restarting: true, restartCount: 1 }]]);
    const logs =
      '[SYS] x | database migration started\n[FATAL] x | [failed to initialize database: no such table: channels]';
    const out = await waitReady(makeCtx(api, { runtime, logs }), { healthTimeoutMs: 120_000, clock });
    expect(out.result).toMatchObject({ name: 'migration', status: 'fail' });
  });

  test('a slow boot (8 s) is waited for, polling gently: about one request a second at most', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ listensAt: 8000 }, clock);
    const out = await waitReady(makeCtx(api), { healthTimeoutMs: 120_000, clock });
    expect(out.result.status).toBe('pass');
    expect(out.elapsedMs).toBeGreaterThanOrEqual(8000);
    expect(out.elapsedMs).toBeLessThanOrEqual(10_000);
    expect(statusCalls(api)).toBeLessThanOrEqual(9); // 250, 500, 1000, then every 2 s
  });

  test('never ready: gives up at health-timeout, saying what /api/status answered', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ startTime: 1000 }, clock); // the old process keeps answering
    const out = await waitReady(makeCtx(api, { baseline: { startTime: 1000 } }), { healthTimeoutMs: 20_000, clock });
    expect(out.result).toMatchObject({ name: 'status', status: 'fail' });
    expect(out.result.detail).toMatch(/not ready within the 20 s health-timeout: .*still shows the old process/);
    expect(out.elapsedMs).toBeGreaterThanOrEqual(20_000);
    expect(out.elapsedMs).toBeLessThan(22_000);
  });

  test('a migration still running at health-timeout is named as such', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ listensAt: Infinity }, clock);
    const ctx = makeCtx(api, { logs: '[SYS] x | database migration started' });
    const out = await waitReady(ctx, { healthTimeoutMs: 10_000, clock });
    expect(out.result).toMatchObject({ name: 'migration', status: 'fail' });
    expect(out.result.detail).toMatch(/still running after the 10 s health-timeout/);
  });

  test('HTTP 429 slows the polling down to the cap', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ rateLimited: ['/api/status'] }, clock);
    await waitReady(makeCtx(api), { healthTimeoutMs: 10_000, clock });
    expect(statusCalls(api)).toBeLessThanOrEqual(6);
  });
});

describe('watchStability', () => {
  const since = { startTime: 2000, runtime: running };

  test('a clean period ends with the checklist run again', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ startTime: 2000 }, clock);
    const results = await watchStability(makeCtx(api, { logs: BOOT_LOG }), ['status', 'version', 'logs'], {
      stabilityMs: 10_000,
      clock,
      since,
    });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['status', 'pass'],
      ['version', 'pass'],
      ['logs', 'pass'],
    ]);
    expect(clock.now()).toBeGreaterThanOrEqual(10_000);
    expect(statusCalls(api)).toBeLessThanOrEqual(10_000 / 2000 + 3);
  });

  test('a crash later in the period is caught at once, not at its end', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ startTime: 2000 }, clock);
    const runtime = timeline(clock, [
      [4000, { running: false, restarting: true, exitCode: 2, restartCount: 1, detail: 'restarting' }],
    ]);
    const logs = `${BOOT_LOG}\npanic: boom`;
    const results = await watchStability(makeCtx(api, { runtime, logs }), ['status', 'logs'], {
      stabilityMs: 30_000,
      clock,
      since,
    });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ name: 'status', status: 'fail' });
    expect(results[0].detail).toMatch(/is restarting \(crash loop\), 4.0 s into the stability period/);
    expect(results[0].evidence).toContain('panic: boom');
    expect(clock.now()).toBeLessThan(6000);
  });

  test('the evidence keeps the [FATAL]/panic lines even when the next boot fills the tail', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ startTime: 2000 }, clock);
    const runtime = timeline(clock, [[1000, { ...running, restartCount: 1 }]]);
    const stack = Array.from({ length: 15 }, (_, i) => `\tgoroutine frame ${i}`);
    const logs = [BOOT_LOG, 'panic: runtime error: nil pointer', ...stack, BOOT_LOG].join('\n');
    const [r] = await watchStability(makeCtx(api, { runtime, logs }), ['status'], {
      stabilityMs: 10_000,
      clock,
      since,
    });
    expect(r.evidence).toContain('panic: runtime error: nil pointer');
    expect(r.evidence?.at(-1)).toBe(BOOT_LOG.split('\n').at(-1));
  });

  test('a new start_time during the period (a restart between two state reads) fails status', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ startTime: 2000 }, clock);
    const ctx = makeCtx(api, { logs: BOOT_LOG, runtime: onceAt(clock, 5000, () => api.restart(2005)) });
    const results = await watchStability(ctx, ['status'], { stabilityMs: 10_000, clock, since });
    expect(results[0].detail).toMatch(/restarted during the stability period \(start_time 2000 → 2005\)/);
    expect(clock.now()).toBeLessThan(8000);
  });

  test('channels auto-disabled during the period are caught by the channel poll', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ startTime: 2000 }, clock);
    const ctx = makeCtx(api, {
      logs: BOOT_LOG,
      settings: withToken,
      baseline: { startTime: 1000, channels: { 1: 1, 2: 1, 3: 1, 4: 2 } },
      runtime: onceAt(clock, 3000, () => {
        for (const c of api.opts.channels) if (c.status === 1) c.status = 3;
      }),
    });
    const results = await watchStability(ctx, ['status', 'channels'], { stabilityMs: 60_000, clock, since });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ name: 'channels', status: 'fail' });
    expect(results[0].detail).toMatch(/channel 1 'openai-main' went from enabled to auto-disabled/);
    expect(clock.now()).toBeLessThanOrEqual(11_000);
  });
});

describe('waitServing (after a rollback)', () => {
  test('ok once the previous version serves again', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ version: 'v0.10.2', listensAt: 3000 }, clock);
    const r = await waitServing(new FakeExec(api), '0.10.2', 30_000, clock);
    expect(r).toMatchObject({ ok: true, detail: expect.stringMatching(/^serving v0.10.2/) });
  });

  test('not ok when another version answers until the timeout', async () => {
    const clock = new FakeClock();
    const api = new FakeNewApi({ version: 'v0.10.3' }, clock);
    const r = await waitServing(new FakeExec(api), 'v0.10.2', 10_000, clock);
    expect(r).toEqual({ ok: false, detail: 'not serving after 10 s: serving v0.10.3, expected v0.10.2' });
  });
});

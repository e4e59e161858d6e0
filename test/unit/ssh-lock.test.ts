import { hostSpec } from '../support/host.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { HostSpec } from '../../src/settings.js';
import { auditLineCommand } from '../../src/ssh/audit.js';
import {
  LockHeldError,
  acquireLock,
  describeHolder,
  instanceKey,
  lockDir,
  releaseLock,
  takeOverReason,
  type LockOwner,
} from '../../src/ssh/lock.js';
import { commandText } from '../../src/ssh/quote.js';
import { RemoteCommandError, type ExecResult, type Executor, type RemoteCommand } from '../../src/ssh/types.js';

const host: HostSpec = hostSpec({ name: 'web-1', host: '10.0.0.1' });

/** Runs the commands with the local /bin/sh: the lock scripts are tested by a real shell. */
class LocalShell implements Executor {
  readonly ran: RemoteCommand[] = [];
  constructor(readonly host: HostSpec) {}
  async run(cmd: RemoteCommand): Promise<ExecResult> {
    this.ran.push(cmd);
    const r = spawnSync('sh', ['-c', commandText(cmd, false)], { input: cmd.stdin, encoding: 'utf8' });
    const result = { code: r.status ?? 255, stdout: r.stdout, stderr: r.stderr, durationMs: 0 };
    if (result.code !== 0 && !cmd.allowFailure) throw new RemoteCommandError(this.host.name, cmd.label, result);
    return result;
  }
  async http(): Promise<never> {
    throw new Error('not used');
  }
  async close(): Promise<void> {}
}

const run1: LockOwner = {
  repository: 'acme/ops',
  runId: '11',
  attempt: 1,
  job: 'deploy',
  runner: 'r1',
  actor: 'alice',
};
const run2: LockOwner = { repository: 'acme/ops', runId: '22', attempt: 1, job: 'deploy', runner: 'r2' };

let stateDir: string;
let sh: LocalShell;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'nau-lock-'));
  sh = new LocalShell(host);
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));
const opts = (over = {}) => ({ timeoutMs: 300, breakLock: false, pollMs: 50, stateDir, ...over });

describe('lock identity', () => {
  test('one lock per New API instance, whatever the method', () => {
    expect(instanceKey(host)).toBe('docker:new-api');
    expect(instanceKey({ ...host, method: 'compose', projectDir: '/opt/new-api' })).toBe(
      'compose:/opt/new-api:new-api',
    );
    expect(instanceKey({ ...host, method: 'source', sourceDir: '/srv/new api' })).toBe('source:/srv/new api');
    const a = lockDir({ ...host, method: 'source', sourceDir: '/opt/a_b' }, '/s');
    const b = lockDir({ ...host, method: 'source', sourceDir: '/opt/a/b' }, '/s');
    expect(a).toMatch(/^\/s\/locks\/source_opt_a_b-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });

  test.each([
    ['a re-run of the same run', { ...run1, attempt: 2, runner: 'other' }, false, 'same-run'],
    ['the same job again (its post step)', run1, false, 'same-run'],
    ['another job of the same attempt', { ...run1, runner: 'r2' }, false, undefined],
    ['another run', run2, false, undefined],
    ['another run with break-lock', run2, true, 'break-lock'],
    ['another repository with the same run id', { ...run1, repository: 'x/y', attempt: 2 }, false, undefined],
  ])('takeover: %s', (_what, owner, breakLock, expected) => {
    expect(takeOverReason({ ...run1, time: 't' }, owner, breakLock)).toBe(expected);
  });

  test('a lock without an owner file is taken over only with break-lock', () => {
    expect(takeOverReason(undefined, run1, false)).toBeUndefined();
    expect(takeOverReason(undefined, run1, true)).toBe('break-lock');
  });

  test('the holder is described so an operator can find the run', () => {
    expect(
      describeHolder({ ...run1, time: '2025-01-01T00:00:00Z', runUrl: 'https://github.com/acme/ops/actions/runs/11' }),
    ).toBe(
      'acme/ops run 11 attempt 1 (job deploy, runner r1, started by alice, since 2025-01-01T00:00:00Z) https://github.com/acme/ops/actions/runs/11',
    );
    expect(describeHolder(undefined)).toMatch(/unknown owner/);
  });
});

describe('acquire and release (real shell)', () => {
  test('acquire writes the owner; release removes only our own lock', async () => {
    const { dir } = await acquireLock(sh, run1, opts());
    const owner = JSON.parse(readFileSync(join(dir, 'owner'), 'utf8'));
    expect(owner).toMatchObject({ ...run1, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(await releaseLock(sh, run2, { stateDir })).toMatchObject({ status: 'other', holder: { runId: '11' } });
    expect(readdirSync(join(stateDir, 'locks'))).toHaveLength(1);
    expect((await releaseLock(sh, run1, { stateDir })).status).toBe('released');
    expect(readdirSync(join(stateDir, 'locks'))).toHaveLength(0);
    expect((await releaseLock(sh, run1, { stateDir })).status).toBe('absent');
  });

  test('a held lock is waited for, then refused with the holder', async () => {
    await acquireLock(sh, run1, opts());
    const lines: string[] = [];
    const err = await acquireLock(sh, run2, opts({ log: (l: string) => lines.push(l) })).catch((e: Error) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as LockHeldError).holder).toMatchObject({ runId: '11', actor: 'alice' });
    expect((err as Error).message).toContain('held by acme/ops run 11 attempt 1');
    expect((err as Error).message).toContain('break-lock: true');
    expect(lines).toEqual([
      expect.stringMatching(/^\[web-1\] waiting up to 0 s for the deployment lock, held by acme\/ops run 11/),
    ]);
  });

  test('break-lock and re-runs take over and return the previous holder', async () => {
    await acquireLock(sh, run1, opts());
    const rerun = await acquireLock(sh, { ...run1, attempt: 3 }, opts());
    expect(rerun.tookOver).toEqual({ reason: 'same-run', holder: expect.objectContaining({ attempt: 1 }) });
    // The old attempt's release (its post step) leaves the re-run's lock alone.
    expect((await releaseLock(sh, run1, { stateDir })).status).toBe('other');
    const broken = await acquireLock(sh, run2, opts({ breakLock: true }));
    expect(broken.tookOver).toEqual({ reason: 'break-lock', holder: expect.objectContaining({ attempt: 3 }) });
    expect((await releaseLock(sh, run2, { stateDir })).status).toBe('released');
  });

  test('lock commands run privileged (the state dir belongs to root)', async () => {
    await acquireLock(sh, run1, opts());
    await releaseLock(sh, run1, { stateDir });
    expect(sh.ran.every((c) => c.privileged)).toBe(true);
  });

  test('values with quotes and $() reach the owner file verbatim', async () => {
    const odd = { ...run1, job: `it's $(touch ${stateDir}/pwned) "x"` };
    const { dir } = await acquireLock(sh, odd, opts());
    expect(JSON.parse(readFileSync(join(dir, 'owner'), 'utf8')).job).toBe(odd.job);
    expect(readdirSync(stateDir)).toEqual(['locks']);
    expect((await releaseLock(sh, odd, { stateDir })).status).toBe('released');
  });
});

describe('audit line', () => {
  test('one JSON line per entry, appended', async () => {
    const entry = {
      time: '2025-01-01T00:00:00.000Z',
      repository: 'acme/ops',
      runId: '11',
      attempt: 1,
      host: 'web-1',
      instance: 'docker:new-api',
      from: 'v0.9.0',
      to: 'v0.9.6',
      result: 'failed',
      message: "line1\nit's $(reboot)",
    };
    const cmd = auditLineCommand(entry, stateDir);
    expect(cmd.privileged).toBe(true);
    await sh.run(cmd);
    await sh.run(auditLineCommand({ ...entry, result: 'updated' }, stateDir));
    const lines = readFileSync(join(stateDir, 'audit.log'), 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0])).toEqual(entry);
    expect(JSON.parse(lines[1]).result).toBe('updated');
    expect(lines[2]).toBe('');
  });
});

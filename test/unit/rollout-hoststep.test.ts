/**
 * The host step is shell that runs on the host; these tests run it with the local /bin/sh
 * (the same POSIX sh every host has) in a temporary state directory.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostStepScript, launchStepCommand, stepDir } from '../../src/rollout/hoststep.js';
import type { HostSpec } from '../../src/settings.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(apply: string, deadline = 5) {
  const dir = mkdtempSync(join(tmpdir(), 'hoststep-'));
  const scripts = {
    apply: `echo applied-marker > "$D/serving"\n${apply}`,
    revert: 'echo old > "$D/serving"',
    finalize: 'echo finalized > "$D/finalized-marker"',
  };
  writeFileSync(join(dir, 'step.sh'), hostStepScript(dir, scripts, deadline));
  return dir;
}

function start(dir: string, mode: string) {
  const p = spawn('sh', [join(dir, 'step.sh'), mode], { stdio: 'ignore' });
  return new Promise<number>((r) => p.on('exit', (c) => r(c ?? -1)));
}

const state = (dir: string) => readFileSync(join(dir, 'state'), 'utf8').trim();
const serving = (dir: string) => readFileSync(join(dir, 'serving'), 'utf8').trim();

async function until(dir: string, want: string, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (existsSync(join(dir, 'state')) && state(dir) === want) return;
    await sleep(50);
  }
  throw new Error(`state stayed ${existsSync(join(dir, 'state')) ? state(dir) : 'missing'}, wanted ${want}`);
}

describe('host step', () => {
  it('applies, waits for the verdict, and holds the new version on keep', async () => {
    const dir = setup('echo new > "$D/serving"');
    const done = start(dir, 'apply');
    await until(dir, 'applied');
    expect(serving(dir)).toBe('new');
    writeFileSync(join(dir, 'verdict'), 'keep\n');
    expect(await done).toBe(0);
    expect(state(dir)).toBe('held');
    expect(serving(dir)).toBe('new');
  });

  it('reverts when the verdict is revert', async () => {
    const dir = setup('echo new > "$D/serving"');
    const done = start(dir, 'apply');
    await until(dir, 'applied');
    writeFileSync(join(dir, 'verdict'), 'revert\n');
    await done;
    expect(state(dir)).toBe('reverted');
    expect(serving(dir)).toBe('old');
  });

  it('reverts by itself when no verdict comes before the deadline (the runner is gone)', async () => {
    const dir = setup('echo new > "$D/serving"', 1);
    await start(dir, 'apply');
    expect(state(dir)).toBe('reverted');
    expect(serving(dir)).toBe('old');
    expect(readFileSync(join(dir, 'step.log'), 'utf8')).toContain('verdict: timeout');
  });

  it('a failing apply is reverted at once, even after a partial change', async () => {
    const dir = setup('echo half > "$D/serving"\nfalse\necho never > "$D/serving"');
    expect(await start(dir, 'apply')).toBe(1);
    expect(state(dir)).toBe('apply-failed-reverted');
    expect(serving(dir)).toBe('old');
  });

  it('revert and finalize run on their own for held nodes', async () => {
    const dir = setup('echo new > "$D/serving"');
    await start(dir, 'revert');
    expect(state(dir)).toBe('reverted');
    await start(dir, 'finalize');
    expect(state(dir)).toBe('finalized');
    expect(existsSync(join(dir, 'finalized-marker'))).toBe(true);
  });

  it('the launch command returns at once with its output captured (as over SSH), leaving the step running', async () => {
    const dir = setup('echo new > "$D/serving"', 3);
    const started = Date.now();
    // Pipes for stdout/stderr, like an SSH channel: the command must not hold them until the step ends.
    execFileSync('sh', ['-c', launchStepCommand(dir, 'apply').script!], { stdio: ['ignore', 'pipe', 'pipe'] });
    expect(Date.now() - started).toBeLessThan(1500);
    await until(dir, 'applied');
    writeFileSync(join(dir, 'verdict'), 'keep\n');
    await until(dir, 'held');
  });

  it('is valid POSIX sh (dash parses it)', () => {
    const dir = setup('true');
    expect(() => execFileSync('sh', ['-n', join(dir, 'step.sh')])).not.toThrow();
  });
});

describe('stepDir', () => {
  it('is one directory per New API instance, so two instances on one host never share a host step', () => {
    const h = { method: 'docker', container: 'new-api', service: 'new-api' } as HostSpec;
    expect(stepDir(h)).toMatch(/^\/var\/lib\/new-api-update\/instances\/docker_new-api-[0-9a-f]{8}\/step$/);
    expect(stepDir({ ...h, container: 'new-api-2' })).not.toBe(stepDir(h));
    expect(stepDir({ ...h, method: 'compose', projectDir: '/opt/a' })).not.toBe(
      stepDir({ ...h, method: 'compose', projectDir: '/opt/b' }),
    );
  });
});

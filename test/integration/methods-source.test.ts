/**
 * The source method on the real test bed: the bed's source fixture (a clone of the bed's upstream
 * repository, built as upstream builds, run by a restart script standing in for systemd) is updated
 * v0.9.1 → v0.9.2 (module path one-api → github.com/QuantumNous/new-api) by a worktree build while the
 * old binary serves, then rolled back by swapping the kept binary — no rebuild.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SourceMethod } from '../../src/methods/source.js';
import type { NodeState, UpdateTarget } from '../../src/methods/types.js';
import type { HostSpec } from '../../src/settings.js';
import type { SshExecutor } from '../../src/ssh/connection.js';
import {
  bedConnect,
  bedHost,
  bedState,
  runAll,
  runBody,
  sh,
  waitVersion,
  type BedState,
} from './support/methods-bed.js';

jest.setTimeout(300_000);

const SRC = '/opt/new-api-src';
const BIN = `${SRC}/new-api`;
const HOST = 'slave-2';

let bed: BedState;
let host: HostSpec;
let exec: SshExecutor;
let method: SourceMethod;
const target: UpdateTarget = { tag: 'v0.9.2', imageRef: '' };

beforeAll(async () => {
  bed = bedState();
  execFileSync('bash', ['test/bed/fixtures.sh', 'deploy', HOST, 'source', 'v0.9.1', '--timeout', '120'], {
    stdio: 'pipe',
  });
  host = bedHost(bed, HOST, {
    method: 'source',
    sourceDir: SRC,
    restart: '/opt/new-api-service/restart',
    logs: '/opt/new-api-service/logs',
  });
  exec = await bedConnect(bed, host);
  method = new SourceMethod(host);
});

afterAll(async () => {
  await exec?.close();
  execFileSync('bash', ['test/bed/fixtures.sh', 'reset', HOST, '--keep-images'], { stdio: 'pipe' });
});

describe('source: v0.9.1 → v0.9.2 and back', () => {
  let state: NodeState;

  it('inspects the clone and the running process', async () => {
    state = await method.inspect(exec);
    expect(state.deployedVersion).toBe('v0.9.1');
    expect(state.binaryPath).toBe(BIN);
    expect(state.systemdUnit).toBeUndefined();
    expect(state.sourceCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(state.database).toBe('sqlite');
    expect(state.env.SESSION_SECRET).toBeTruthy();
    expect((await method.runtimeState(exec, state)).running).toBe(true);
  });

  it('preflight refuses a clone with local changes', async () => {
    await runAll(exec, method.preflight(state, target));
    await sh(exec, `echo '// local change' >> ${SRC}/main.go`);
    await expect(runAll(exec, method.preflight(state, target))).rejects.toThrow(/local changes/);
    await sh(exec, `cd ${SRC} && git checkout -q -- main.go`);
    await expect(runAll(exec, method.preflight(state, { tag: 'v9.9.9', imageRef: '' }))).rejects.toThrow(/v9.9.9/);
  });

  it('prepare fetches and builds in a worktree while the old binary serves', async () => {
    const before = await waitVersion(exec, 3000, 'v0.9.1');
    await runAll(exec, method.prepare(state, target));
    const still = await waitVersion(exec, 3000, 'v0.9.1');
    expect(still.start_time).toBe(before.start_time);
    expect((await sh(exec, `cd ${SRC} && git status --porcelain --untracked-files=no`)).trim()).toBe('');
  });

  it('apply swaps the binary, keeps the previous one and its ref, moves the clone to the tag', async () => {
    const scripts = method.swap(state, target);
    await runBody(exec, 'apply', scripts.apply);
    await waitVersion(exec, 3000, 'v0.9.2');
    expect((await sh(exec, `cat ${BIN}.previous.ref`)).trim()).toBe(state.sourceCommit);
    expect((await sh(exec, `${BIN}.previous --version`)).trim()).toBe('v0.9.1');
    expect((await sh(exec, `cd ${SRC} && git describe --tags --exact-match`)).trim()).toBe('v0.9.2');
    const rt = await method.runtimeState(exec, state);
    expect(rt.running).toBe(true);
    expect((await exec.run(method.logs(state, 0))).stdout).toMatch(/v0\.9\.2/);
  });

  it('revert swaps the previous binary back without a rebuild, and is idempotent', async () => {
    const scripts = method.swap(state, target);
    await runBody(exec, 'revert', scripts.revert);
    await waitVersion(exec, 3000, 'v0.9.1');
    expect((await sh(exec, `cd ${SRC} && git rev-parse HEAD`)).trim()).toBe(state.sourceCommit);
    await expect(sh(exec, `test -e ${BIN}.previous`)).rejects.toThrow();
    await runBody(exec, 'revert again', scripts.revert);
    await waitVersion(exec, 3000, 'v0.9.1');
    await runBody(exec, 'finalize', scripts.finalize);
    await expect(sh(exec, `test -e ${SRC}/.git/new-api-update/worktree`)).rejects.toThrow();
  });
});

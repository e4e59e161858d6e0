/**
 * The post-update checks on the real test bed: a New API stub container on a bed host (sshd + dockerd,
 * images from the bed registry), every HTTP request through the SSH connection, container state and logs
 * read with the docker method's own commands. The node is updated from a good release to each fault
 * variant; each must fail exactly the check it names, and nothing else.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { checkPorts } from '../../src/checks/ports.js';
import type { Baseline, CheckContext, CheckResult } from '../../src/checks/types.js';
import { containerLogs, containerRuntime } from '../../src/methods/container.js';
import type { NodeState } from '../../src/methods/types.js';
import type { CheckName, HostSpec, Role, Settings } from '../../src/settings.js';
import { connect, type SshExecutor } from '../../src/ssh/connection.js';
import { makeSettings } from '../unit/checks-fixtures.js';
import { bedHost, catalog, hostShOk, loadBed, type Bed } from './bed.js';

jest.setTimeout(120_000);

const seed = catalog().seed;
const BED_HOST = 'master';
const NAME = 'nau-checks';
const PORT = 3150;
const DATA = `/srv/${NAME}/data`;
const GOOD = 'v0.10.2';
const FAULTS = [
  'crash',
  'slowboot',
  'badmigration',
  'emptydb',
  'wrongversion',
  'badlogin',
  'channelsoff',
  'logerrors',
  'crashlater',
];
// Pinned because the assertions rely on them: each fault shows itself within the 6 s stability period
// (slowboot shortened from 8 s to keep the suite quick).
const STUB_ENV = [
  'STUB_SLOWBOOT_SECONDS=5',
  'STUB_CHANNELSOFF_SECONDS=3',
  'STUB_LOGERRORS_SECONDS=1',
  'STUB_CRASHLATER_SECONDS=4',
];

let bed: Bed;
let exec: SshExecutor;

function hostSpec(role: Role): HostSpec {
  const h = bedHost(BED_HOST, bed);
  return {
    name: h.name,
    host: h.address,
    port: h.port,
    user: h.user,
    role,
    method: 'docker',
    url: `http://127.0.0.1:${PORT}`,
    container: NAME,
    service: NAME,
    sudo: false,
  };
}

function settings(over: Partial<Settings> = {}): Settings {
  return makeSettings({
    adminAccessToken: seed.adminAccessToken,
    adminUserId: seed.adminUserId,
    apiKey: seed.apiKey,
    healthTimeoutSeconds: 120,
    stabilitySeconds: 6,
    secrets: [seed.adminAccessToken, seed.apiKey, seed.adminPassword],
    ...over,
  });
}

/** Setup and teardown go through the bed's own access to the host, not the SSH code under test. */
function sh(script: string): Promise<string> {
  return hostShOk(BED_HOST, script);
}

async function runContainer(tag: string, env: string[] = []): Promise<void> {
  const envArgs = [...STUB_ENV, ...env].map((e) => `-e ${e}`).join(' ');
  await sh(
    `docker rm -f ${NAME} >/dev/null 2>&1 || true
docker run -d --name ${NAME} --restart always -p 127.0.0.1:${PORT}:3000 ${envArgs} -v ${DATA}:/data ${bed.image}:${tag} >/dev/null`,
  );
}

/** A fresh data directory, the good release seeded and serving; returns its baseline. */
async function goodNode(from: string, role: Role, s: Settings, env: string[] = []): Promise<Baseline> {
  await sh(`docker rm -f ${NAME} >/dev/null 2>&1 || true; rm -rf /srv/${NAME}; mkdir -p ${DATA}`);
  // A slave never migrates: the master (here: the same data, run once as master) creates the schema.
  await runContainer(from, env);
  const ports = checkPorts();
  const serving = await ports.serving(exec, from, 30_000);
  if (!serving.ok) {
    const why = await sh(
      `docker ps -a --filter name=${NAME} --format '{{.Status}}'; docker logs --tail 20 ${NAME} 2>&1`,
    );
    throw new Error(`${from} did not come up: ${serving.detail}\n${why}`);
  }
  if (role === 'slave') {
    await runContainer(from, [...env, 'NODE_TYPE=slave']);
    await ports.serving(exec, from, 30_000);
  }
  return ports.baseline(exec, hostSpec(role), s);
}

interface Outcome {
  results: Map<CheckName, CheckResult>;
  readyMs: number;
}

/** Updates the node to `tag` the way the rollout does: readiness → checklist → stability, stopping at a failure. */
async function update(
  tag: string,
  opts: { from?: string; role?: Role; settings?: Settings; env?: string[] } = {},
): Promise<Outcome> {
  const role = opts.role ?? 'master';
  const s = opts.settings ?? settings();
  const env = role === 'slave' ? [...(opts.env ?? []), 'NODE_TYPE=slave'] : (opts.env ?? []);
  const baseline = await goodNode(opts.from ?? GOOD, role, s, opts.env);
  const host = hostSpec(role);
  // start_time has a resolution of one second: a real update (pull, backup, drained stop) always lands in a
  // later second than the old start; this bed's old node started a moment ago, so make sure it does too.
  while (Math.floor(Date.now() / 1000) <= (baseline.startTime ?? 0)) await new Promise((r) => setTimeout(r, 100));
  const swapAt = Math.floor(Date.now() / 1000) - 1;
  await runContainer(tag, env);
  const state: NodeState = {
    host,
    method: 'docker',
    containerName: NAME,
    env: {},
    database: 'sqlite',
    secrets: [],
    leftovers: [],
  };
  const ctx: CheckContext = {
    exec,
    host,
    settings: s,
    target: tag,
    baseline,
    state,
    startedAtUnix: swapAt,
    logs: async () => (await exec.run({ ...containerLogs(NAME, swapAt), allowFailure: true })).stdout,
    runtime: () => containerRuntime(exec, NAME),
  };
  const ports = checkPorts();
  const results = new Map<CheckName, CheckResult>();
  const record = (rs: CheckResult[]): boolean => {
    for (const r of rs) if (r.status !== 'skipped' || !results.has(r.name)) results.set(r.name, r);
    return rs.some((r) => r.status === 'fail');
  };
  const t0 = Date.now();
  const ready = await ports.ready(ctx);
  const readyMs = Date.now() - t0;
  if (ready.status === 'fail') record([ready]);
  else if (!record(await ports.checklist(ctx))) record(await ports.stability(ctx));
  return { results, readyMs };
}

function failed(o: Outcome): CheckName[] {
  return [...o.results.values()].filter((r) => r.status === 'fail').map((r) => r.name);
}

function explain(o: Outcome): string {
  return [...o.results.values()].map((r) => `${r.name}: ${r.status} — ${r.detail}`).join('\n');
}

beforeAll(async () => {
  bed = loadBed();
  exec = await connect(hostSpec('master'), {
    privateKey: readFileSync(bed.sshKey, 'utf8'),
    knownHosts: readFileSync(bed.knownHosts, 'utf8'),
    insecureSkipHostKeyCheck: false,
    connectTimeoutMs: 10_000,
    commandTimeoutMs: 120_000,
    log: () => undefined,
    warn: () => undefined,
  });
  // Pulled up front so every case measures the checks, not the registry.
  const tags = [GOOD, 'v1.0.0', 'v0.9.1', 'v0.9.2', ...FAULTS.map((f) => `v0.10.3-${f}`)];
  await sh(tags.map((t) => `docker pull -q ${bed.image}:${t} >/dev/null &`).join('\n') + '\nwait');
});

afterAll(async () => {
  if (!exec) return;
  await sh(`docker rm -f ${NAME} >/dev/null 2>&1 || true; rm -rf /srv/${NAME}`);
  await exec.close();
});

describe('each release on the bed fails exactly the check it should', () => {
  test('a good release passes every check', async () => {
    const o = await update('v1.0.0');
    expect({ failed: failed(o), report: explain(o) }).toEqual({ failed: [], report: expect.any(String) });
    expect([...o.results.values()].map((r) => `${r.name}:${r.status}`).sort()).toEqual(
      ['status', 'version', 'admin-login', 'api-call', 'logs', 'migration', 'channels'].map((n) => `${n}:pass`).sort(),
    );
  });

  test.each([
    ['crash', 'migration'], // on the master the log shows the migration dying: migration started, then [FATAL]
    ['badmigration', 'migration'],
    ['emptydb', 'status'],
    ['wrongversion', 'version'],
    ['badlogin', 'admin-login'],
    ['channelsoff', 'channels'],
    ['logerrors', 'logs'],
    ['crashlater', 'status'],
  ])('%s fails %s and nothing else', async (fault, check) => {
    const o = await update(`v0.10.3-${fault}`);
    expect({ failed: failed(o), report: explain(o) }).toEqual({ failed: [check], report: expect.any(String) });
  });

  test('slowboot passes, only slower', async () => {
    const o = await update('v0.10.3-slowboot');
    expect({ failed: failed(o), report: explain(o) }).toEqual({ failed: [], report: expect.any(String) });
    expect(o.readyMs).toBeGreaterThanOrEqual(5000);
  });

  test('a crash at boot is caught within seconds of the start, far inside health-timeout: 120', async () => {
    const o = await update('v0.10.3-crash', { role: 'slave' });
    // A slave never migrates: here the crash is the process's, reported by status with the [FATAL] line.
    expect(failed(o)).toEqual(['status']);
    const r = o.results.get('status')!;
    expect(r.evidence?.some((l) => /\[FATAL\].*failed to initialize database/.test(l))).toBe(true);
    expect(o.readyMs).toBeLessThan(5000);
  });
});

describe('credentials and old releases', () => {
  test('password login with a session cookie and the bare-array channel list (old scheme): v0.9.1 → v0.9.2', async () => {
    const o = await update('v0.9.2', {
      from: 'v0.9.1',
      settings: settings({
        adminAccessToken: undefined,
        adminUserId: undefined,
        adminUsername: seed.adminUsername,
        adminPassword: seed.adminPassword,
      }),
      env: ['STUB_CHANNELS_SHAPE=array'],
    });
    expect(failed(o)).toEqual([]);
    expect(o.results.get('admin-login')?.detail).toMatch(/via password login/);
    expect(o.results.get('channels')?.detail).toMatch(/3 of 4 channels enabled \(3 before\)/);
  });

  test('an admin account with 2FA: admin-login and channels are "could not check", nothing fails', async () => {
    const o = await update('v1.0.0', {
      settings: settings({
        adminAccessToken: undefined,
        adminUserId: undefined,
        adminUsername: seed.adminUsername,
        adminPassword: seed.adminPassword,
      }),
      env: ['STUB_REQUIRE_2FA=true'],
    });
    expect(failed(o)).toEqual([]);
    expect(o.results.get('admin-login')).toMatchObject({
      status: 'skipped',
      detail: expect.stringMatching(/^could not check: 2FA/),
    });
    expect(o.results.get('channels')).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/2FA/) });
  });
});

/**
 * The SSH transport against real OpenSSH sshd instances on 127.0.0.1 (see support/sshd.ts): auth
 * methods, host key verification, jump host, timeouts, dropped connections, quoting, HTTP through the
 * connection and its curl/wget fallback, sudo preflight, locks and the audit line — and that no secret
 * ever reaches a log line or an error message.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { HostSpec } from '../../src/settings.js';
import { auditLineCommand } from '../../src/ssh/audit.js';
import {
  CommandTimeoutError,
  ConnectionLostError,
  SshConnectError,
  connect,
  type ConnectOptions,
  type SshExecutor,
} from '../../src/ssh/connection.js';
import { HttpRequestError } from '../../src/ssh/http.js';
import { LockHeldError, acquireLock, releaseLock, type LockOwner } from '../../src/ssh/lock.js';
import { shq } from '../../src/ssh/quote.js';
import { Masker } from '../../src/ssh/secrets.js';
import { SudoError, probeSudo } from '../../src/ssh/sudo.js';
import { RemoteCommandError } from '../../src/ssh/types.js';
import { Sshd, ensureUser, generateKey, type KeyPair } from './support/sshd.js';

jest.setTimeout(30_000);

const PW_USER = 'nau-ssh-pw'; // password auth; sudo wants a password
const SUDO_USER = 'nau-ssh-sudo'; // key auth; passwordless sudo
const PASSWORD = 'Pw-for-ssh-tests-7f3a9c';
const PASSPHRASE = 'Passphrase-for-pem-key-91b2';

let edKey: KeyPair;
let pemKey: KeyPair;
let a: Sshd; // forwarding allowed; also the bastion
let b: Sshd; // forwarding forbidden; reached through the bastion
let c: Sshd; // forwarding forbidden, no curl on PATH
let pathDir: string;
let web: http.Server;
let webPort: number;
let stateDir: string;

const masker = new Masker();
const logs: string[] = [];
const warnings: string[] = [];
const errors: string[] = [];
const executors: SshExecutor[] = [];

function hostSpec(sshd: Sshd, over: Partial<HostSpec> = {}): HostSpec {
  return {
    name: `h${sshd.port}`,
    host: '127.0.0.1',
    port: sshd.port,
    user: 'root',
    role: 'master',
    method: 'docker',
    url: `http://127.0.0.1:${webPort}`,
    container: 'new-api',
    service: 'new-api',
    sudo: false,
    ...over,
  };
}

function options(over: Partial<ConnectOptions> = {}): ConnectOptions {
  return {
    privateKey: edKey.privateKey,
    knownHosts: a.knownHosts() + b.knownHosts() + c.knownHosts(),
    insecureSkipHostKeyCheck: false,
    connectTimeoutMs: 5000,
    commandTimeoutMs: 20_000,
    log: (l) => logs.push(l),
    warn: (l) => warnings.push(l),
    mask: (t) => masker.mask(t),
    connectAttempts: 2,
    retryDelayMs: 100,
    ...over,
  };
}

async function open(host: HostSpec, over: Partial<ConnectOptions> = {}): Promise<SshExecutor> {
  const e = await connect(host, options(over));
  executors.push(e);
  return e;
}

/** The error a promise rejects with; its message is kept for the no-secrets check. */
async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    errors.push((e as Error).message);
    return e as Error;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  edKey = generateKey('ed25519');
  pemKey = generateKey('rsa', { pem: true, passphrase: PASSPHRASE });
  expect(pemKey.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED/);
  masker.add(PASSWORD);
  masker.add(PASSPHRASE);
  masker.add(edKey.privateKey);
  ensureUser(PW_USER, PASSWORD, 'password');
  ensureUser(SUDO_USER, 'unused-' + PASSWORD.split('').reverse().join(''), 'nopasswd');

  pathDir = mkdtempSync(join(tmpdir(), 'nau-path-'));
  for (const tool of ['sh', 'wget', 'cat', 'mktemp', 'rm'])
    symlinkSync(
      execFileSync('sh', ['-c', `command -v ${tool}`])
        .toString()
        .trim(),
      join(pathDir, tool),
    );
  const authorizedKeys = [edKey.publicKey, pemKey.publicKey];
  [a, b, c] = await Promise.all([
    Sshd.start({ authorizedKeys }),
    Sshd.start({ authorizedKeys, allowTcpForwarding: false }),
    Sshd.start({ authorizedKeys, allowTcpForwarding: false, sessionPath: pathDir }),
  ]);

  web = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const status = req.url === '/missing' ? 404 : 200;
      res.writeHead(status, { 'content-type': 'application/json', 'x-test': 'yes' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as AddressInfo).port;
  stateDir = mkdtempSync(join(tmpdir(), 'nau-state-'));
});

afterAll(async () => {
  await Promise.all(executors.map((e) => e.close()));
  await Promise.all([a, b, c].filter(Boolean).map((s) => s.stop()));
  web?.close();
  rmSync(pathDir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

describe('authentication', () => {
  test('an OpenSSH ed25519 key: commands run, logged with the host name', async () => {
    const e = await open(hostSpec(a, { name: 'alpha' }));
    const r = await e.run({ label: 'whoami', argv: ['id', '-un'] });
    expect(r).toMatchObject({ code: 0, stdout: 'root\n', stderr: '' });
    expect(logs).toContain('[alpha] $ id -un');
    expect(logs).toContain('[alpha] root');
  });

  test('a PEM RSA key with a passphrase', async () => {
    const e = await open(hostSpec(a), { privateKey: pemKey.privateKey, passphrase: PASSPHRASE });
    expect((await e.run({ label: 'whoami', argv: ['id', '-un'] })).stdout).toBe('root\n');
  });

  test('a wrong or missing passphrase is a clear, final error before connecting', async () => {
    const wrong = await failure(open(hostSpec(a), { privateKey: pemKey.privateKey, passphrase: 'not-the-one' }));
    expect(wrong).toBeInstanceOf(SshConnectError);
    expect(wrong.message).toMatch(/cannot read ssh-private-key.*is ssh-passphrase right/);
    const missing = await failure(open(hostSpec(a), { privateKey: pemKey.privateKey }));
    expect(missing.message).toMatch(/set ssh-passphrase/);
  });

  test('a per-host key overrides the default key', async () => {
    const e = await open(hostSpec(a, { privateKey: edKey.privateKey }), { privateKey: 'not a key at all' });
    expect((await e.run({ label: 'true', argv: ['true'] })).code).toBe(0);
  });

  test('a password', async () => {
    const e = await open(hostSpec(a, { user: PW_USER }), { privateKey: undefined, password: PASSWORD });
    expect((await e.run({ label: 'whoami', argv: ['id', '-un'] })).stdout).toBe(`${PW_USER}\n`);
  });

  test('a failed login names host, user and the methods tried, and is not retried', async () => {
    const stranger = generateKey('ed25519');
    const before = warnings.length;
    const err = await failure(
      open(hostSpec(a, { name: 'alpha', user: PW_USER }), {
        privateKey: stranger.privateKey,
        password: 'wrong-password',
      }),
    );
    expect(err).toBeInstanceOf(SshConnectError);
    expect((err as SshConnectError).kind).toBe('auth');
    expect(err.message).toContain(
      `[alpha] authentication to ${PW_USER}@127.0.0.1:${a.port} failed for user "${PW_USER}"`,
    );
    expect(err.message).toMatch(/tried publickey \(ssh-ed25519 key SHA256:[\w+/]{43}\), password/);
    expect(err.message).toContain('the server accepts: publickey,password'.replace(',', ', '));
    expect(warnings.slice(before).join('\n')).not.toMatch(/retrying/);
  });

  test('no credentials at all says so', async () => {
    const err = await failure(open(hostSpec(a), { privateKey: undefined }));
    expect(err.message).toMatch(/no credentials were given/);
  });

  test('connection setup is retried with backoff, then fails naming the host', async () => {
    const closed = hostSpec(a, { name: 'nowhere', port: 1 });
    const before = warnings.length;
    const err = await failure(open(closed, { connectAttempts: 3, retryDelayMs: 50 }));
    expect(err).toBeInstanceOf(SshConnectError);
    expect(err.message).toMatch(
      /^\[nowhere\] cannot connect to root@127\.0\.0\.1:1: .*ECONNREFUSED.*gave up after 3 attempts/,
    );
    expect(warnings.slice(before).filter((w) => /attempt \d\/3 failed.*retrying/.test(w))).toHaveLength(2);
  });
});

describe('host keys', () => {
  test('an unknown host key is refused, showing its fingerprint', async () => {
    const err = await failure(open(hostSpec(a, { name: 'alpha' }), { knownHosts: '' }));
    expect(err).toBeInstanceOf(SshConnectError);
    expect((err as SshConnectError).kind).toBe('host-key');
    const ed = a.hostKeys.find((k) => k.type === 'ssh-ed25519')!;
    expect(err.message).toContain(
      `host key of alpha ([127.0.0.1]:${a.port}) is unknown: it offered ED25519 key ${ed.fingerprint}`,
    );
  });

  test('ssh-insecure-skip-host-key-check connects to an unknown host and warns once', async () => {
    const before = warnings.length;
    await open(hostSpec(a), { knownHosts: '', insecureSkipHostKeyCheck: true });
    await open(hostSpec(a), { knownHosts: '', insecureSkipHostKeyCheck: true });
    const loud = warnings.slice(before).filter((w) => w.includes('INSECURE'));
    expect(loud).toHaveLength(1);
    expect(loud[0]).toContain('NOT verified');
  });

  test('a changed host key is refused, naming the offered and the expected fingerprints — insecure or not', async () => {
    const stale = b.hostKeys.map((k) => `[127.0.0.1]:${a.port} ${k.publicLine}`).join('\n');
    for (const insecure of [false, true]) {
      const err = await failure(
        open(hostSpec(a, { name: 'alpha' }), { knownHosts: stale, insecureSkipHostKeyCheck: insecure }),
      );
      expect((err as SshConnectError).kind).toBe('host-key');
      const offered = a.hostKeys.find((k) => k.type === 'ssh-ed25519')!.fingerprint;
      const expected = b.hostKeys.find((k) => k.type === 'ssh-ed25519')!.fingerprint;
      expect(err.message).toContain(
        `HOST KEY MISMATCH for alpha ([127.0.0.1]:${a.port}): it offered ED25519 key ${offered}`,
      );
      expect(err.message).toContain(`expected ED25519 key ${expected}`);
    }
  });

  test('hashed known_hosts entries, and a host known only by its RSA key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nau-kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `# comment\n${a.knownHostsLine('ssh-rsa')}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file]);
    const hashed = readFileSync(file, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    expect(hashed).toMatch(/^\|1\|/m);
    expect(hashed).not.toContain('127.0.0.1');
    const e = await open(hostSpec(a), { knownHosts: hashed });
    expect((await e.run({ label: 'true', argv: ['true'] })).code).toBe(0);
  });

  test('a pinned fingerprint is accepted, a wrong one refused', async () => {
    const ed = a.hostKeys.find((k) => k.type === 'ssh-ed25519')!;
    const ok = await open(hostSpec(a, { fingerprint: ed.fingerprint }), { knownHosts: '' });
    expect((await ok.run({ label: 'true', argv: ['true'] })).code).toBe(0);
    const other = b.hostKeys[0].fingerprint;
    const err = await failure(open(hostSpec(a, { name: 'alpha', fingerprint: other }), { knownHosts: '' }));
    expect(err.message).toContain(`expected pinned fingerprint ${other}`);
    const typo = await failure(open(hostSpec(a, { fingerprint: 'SHA256:nope' }), { knownHosts: '' }));
    expect((typo as SshConnectError).kind).toBe('host-key');
    expect(typo.message).toMatch(/is not a SHA256 fingerprint/);
  });
});

describe('jump host', () => {
  test('reaches a host through a bastion, both verified', async () => {
    const target = hostSpec(b, { name: 'behind', jump: { user: 'root', host: '127.0.0.1', port: a.port } });
    const e = await open(target);
    const r = await e.run({ label: 'sshd port', script: 'echo "$SSH_CONNECTION"' });
    // The target sees the connection coming from the bastion, to its own port.
    expect(r.stdout.trim().split(' ')[3]).toBe(String(b.port));
  });

  test('an unknown bastion key is refused, naming the jump host', async () => {
    const target = hostSpec(b, { name: 'behind', jump: { user: 'root', host: '127.0.0.1', port: a.port } });
    const err = await failure(open(target, { knownHosts: b.knownHosts() }));
    expect((err as SshConnectError).kind).toBe('host-key');
    expect(err.message).toContain(`[127.0.0.1]:${a.port}) is unknown`);
  });
});

describe('commands', () => {
  let e: SshExecutor;
  beforeAll(async () => {
    e = await open(hostSpec(a, { name: 'alpha' }));
  });

  test('arguments survive quoting exactly', async () => {
    const nasty = [
      'two words',
      "it's",
      '"double"',
      '$(touch /tmp/nau-pwned)',
      '`touch /tmp/nau-pwned`',
      'a;touch /tmp/nau-pwned',
      'line1\nline2',
      '*',
      '~',
      '$HOME',
      'back\\slash',
      '',
      '-n',
      'A=b',
      '&& ||| > <',
      'ünïcödé',
    ];
    const r = await e.run({ label: 'echo back', argv: ['printf', '%s\\0', ...nasty], quiet: true });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(nasty);
    const s = await e.run({
      label: 'echo back (script)',
      script: `printf '%s\\0' ${nasty.map(shq).join(' ')} | cat`,
      quiet: true,
    });
    expect(s.stdout.split('\0').slice(0, -1)).toEqual(nasty);
    expect(() => readFileSync('/tmp/nau-pwned')).toThrow();
  });

  test('a non-zero exit throws with the exit code and stderr, unless allowed', async () => {
    const err = await failure(e.run({ label: 'failing step', script: 'echo out; echo "it broke" >&2; exit 3' }));
    expect(err).toBeInstanceOf(RemoteCommandError);
    expect(err.message).toBe('[alpha] failing step failed with exit code 3: it broke');
    const r = await e.run({ label: 'allowed', script: 'exit 4', allowFailure: true });
    expect(r.code).toBe(4);
  });

  test('stdin reaches the command and is never logged', async () => {
    const stdin = 'stdin-only-value-5d1e\nsecond line\n';
    const r = await e.run({ label: 'count', argv: ['wc', '-c'], stdin });
    expect(r.stdout.trim()).toBe(String(Buffer.byteLength(stdin)));
    expect(logs.join('\n')).not.toContain('stdin-only-value-5d1e');
  });

  test('quiet keeps stdout out of the log, stderr still shows', async () => {
    await e.run({ label: 'quiet', script: 'echo quiet-stdout-marker; echo loud-stderr-marker >&2', quiet: true });
    expect(logs).not.toContain('[alpha] quiet-stdout-marker');
    expect(logs).toContain('[alpha] loud-stderr-marker');
  });

  test('a hanging command is cut at its timeout, children included; the connection stays usable', async () => {
    const t0 = Date.now();
    const hang = { label: 'hang', script: "sh -c 'sleep 987; true'; true", timeoutMs: 1000 };
    const err = await failure(e.run(hang));
    expect(err).toBeInstanceOf(CommandTimeoutError);
    expect(err.message).toBe('[alpha] hang timed out after 1 s and was stopped');
    expect(Date.now() - t0).toBeLessThan(5000);
    // sshd runs on this machine: the remote processes are ours to look for.
    expect(() => execFileSync('pgrep', ['-f', 'sleep 987'])).toThrow();
    expect((await e.run({ label: 'after', argv: ['echo', 'ok'] })).stdout).toBe('ok\n');
  });

  test('a dropped connection mid-command is reported as such; the next command reconnects', async () => {
    const d = await open(hostSpec(a, { name: 'dropper' }));
    const before = logs.length;
    const running = failure(d.run({ label: 'long step', script: 'echo "session=$PPID"; sleep 60' }));
    let pid: number | undefined;
    for (let i = 0; i < 100 && !pid; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const line = logs.slice(before).find((l) => l.startsWith('[dropper] session='));
      if (line) pid = Number(line.split('=')[1]);
    }
    expect(pid).toBeGreaterThan(1);
    process.kill(pid!, 'SIGKILL');
    const err = await running;
    expect(err).toBeInstanceOf(ConnectionLostError);
    expect(err.message).toMatch(
      /^\[dropper\] the SSH connection to root@127\.0\.0\.1:\d+ was lost while running "long step"/,
    );
    expect(err.message).toContain('whether it took effect on the host is unknown');
    expect((await d.run({ label: 'again', argv: ['echo', 'back'] })).stdout).toBe('back\n');
    expect(logs).toContain('[dropper] reconnecting: the previous SSH connection was lost');
  });

  test('secrets in output and errors are masked', async () => {
    await failure(
      e.run({
        label: 'leaky',
        argv: ['sh', '-c', 'echo "pw=$1"; echo "pp=$2" >&2; exit 1', 'sh', PASSWORD, PASSPHRASE],
      }),
    );
    expect(logs).toContain('[alpha] pw=***');
    expect(errors[errors.length - 1]).toContain('pp=***');
  });
});

describe('http through the connection', () => {
  test('forwardOut carries requests to the url as seen from the host', async () => {
    const e = await open(hostSpec(a));
    expect(await e.probeForwarding()).toEqual({ transport: 'forward' });
    const get = await e.http({ method: 'GET', path: '/api/status', headers: { authorization: 'Bearer tok' } });
    expect(get.status).toBe(200);
    expect(get.headers['x-test']).toBe('yes');
    expect(JSON.parse(get.body)).toMatchObject({
      method: 'GET',
      url: '/api/status',
      headers: { authorization: 'Bearer tok' },
    });
    const post = await e.http({ method: 'POST', path: '/api/user/login', body: '{"username":"a","password":"b"}' });
    expect(JSON.parse(post.body)).toMatchObject({ method: 'POST', body: '{"username":"a","password":"b"}' });
    expect((await e.http({ method: 'GET', path: '/missing' })).status).toBe(404);
  });

  test('nothing listening at the url is an unreachable error, not a forwarding problem', async () => {
    const e = await open(hostSpec(a, { url: 'http://127.0.0.1:1' }));
    expect(await e.probeForwarding()).toEqual({ transport: 'forward' });
    const err = await failure(e.http({ method: 'GET', path: '/api/status' }));
    expect(err).toBeInstanceOf(HttpRequestError);
    expect((err as HttpRequestError).kind).toBe('unreachable');
  });

  test('where sshd forbids forwarding, curl on the host carries the request', async () => {
    const e = await open(hostSpec(b, { name: 'noforward' }));
    const probe = await e.probeForwarding();
    expect(probe.transport).toBe('curl');
    expect(probe.note).toMatch(/forbids TCP forwarding/);
    const post = await e.http({
      method: 'POST',
      path: '/api/x?y=1',
      headers: { 'content-type': 'application/json', authorization: 'Bearer "quoted" \\ token' },
      body: '@{"a":"b\\n"}',
    });
    expect(post.status).toBe(200);
    expect(JSON.parse(post.body)).toMatchObject({
      method: 'POST',
      url: '/api/x?y=1',
      body: '@{"a":"b\\n"}',
      headers: { authorization: 'Bearer "quoted" \\ token' },
    });
    expect((await e.http({ method: 'GET', path: '/missing' })).status).toBe(404);
    const down = await open(hostSpec(b, { url: 'http://127.0.0.1:1' }));
    expect(((await failure(down.http({ method: 'GET', path: '/' }))) as HttpRequestError).kind).toBe('unreachable');
  });

  test('without curl, wget on the host carries it', async () => {
    const e = await open(hostSpec(c));
    expect((await e.probeForwarding()).transport).toBe('gnu-wget');
    const get = await e.http({ method: 'GET', path: '/api/status', headers: { 'x-k': 'v' } });
    expect(get.status).toBe(200);
    expect(get.headers['x-test']).toBe('yes');
    expect(JSON.parse(get.body)).toMatchObject({ method: 'GET', headers: { 'x-k': 'v' } });
    const post = await e.http({ method: 'POST', path: '/login', body: '{"p":"x y"}' });
    expect(JSON.parse(post.body)).toMatchObject({ method: 'POST', body: '{"p":"x y"}' });
    const missing = await e.http({ method: 'GET', path: '/missing' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).url).toBe('/missing');
  });
});

describe('sudo', () => {
  test('passwordless sudo runs privileged commands as root, quoted', async () => {
    const e = await open(hostSpec(a, { user: SUDO_USER, sudo: true }));
    await probeSudo(e);
    expect((await e.run({ label: 'who', argv: ['id', '-u'], privileged: true })).stdout).toBe('0\n');
    expect((await e.run({ label: 'who', argv: ['id', '-u'] })).stdout).not.toBe('0\n');
    const s = await e.run({
      label: 'script',
      script: `id -u; printf '%s\\n' ${shq("it's $(id -u)")}`,
      privileged: true,
    });
    expect(s.stdout).toBe("0\nit's $(id -u)\n");
  });

  test('a sudo that asks for a password is a clear preflight error', async () => {
    const e = await open(hostSpec(a, { name: 'alpha', user: PW_USER, sudo: true }), {
      privateKey: undefined,
      password: PASSWORD,
    });
    const err = await failure(probeSudo(e));
    expect(err).toBeInstanceOf(SudoError);
    expect(err.message).toMatch(/^\[alpha\] user "nau-ssh-pw" on 127\.0\.0\.1 cannot use sudo without a password/);
    expect(err.message).toContain('NOPASSWD');
  });
});

describe('deployment lock and audit', () => {
  const run1: LockOwner = {
    repository: 'acme/ops',
    runId: '1001',
    attempt: 1,
    job: 'deploy',
    runner: 'r1',
    actor: 'alice',
  };
  const run2: LockOwner = {
    repository: 'acme/ops',
    runId: '2002',
    attempt: 1,
    job: 'deploy',
    runner: 'r2',
    actor: 'bob',
  };
  let e1: SshExecutor;
  let e2: SshExecutor;
  beforeAll(async () => {
    e1 = await open(hostSpec(a, { name: 'alpha', container: 'lock-test' }));
    e2 = await open(hostSpec(a, { name: 'alpha', container: 'lock-test' }));
  });
  const lockOpts = (over = {}) => ({ timeoutMs: 1500, breakLock: false, pollMs: 100, stateDir, ...over });

  test('a second locker waits, then fails naming the holder', async () => {
    await acquireLock(e1, run1, lockOpts());
    const t0 = Date.now();
    const err = await failure(acquireLock(e2, run2, lockOpts()));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(err).toBeInstanceOf(LockHeldError);
    expect(err.message).toMatch(
      /^\[alpha\] the deployment lock .*\/locks\/docker_lock-test-[0-9a-f]{8} is held by acme\/ops run 1001 attempt 1 \(job deploy, runner r1, started by alice, since \d{4}-/,
    );
    expect(await releaseLock(e2, run2, { stateDir })).toMatchObject({ status: 'other', holder: { runId: '1001' } });
    expect(await releaseLock(e1, run1, { stateDir })).toEqual({ status: 'released', holder: undefined });
    expect((await releaseLock(e1, run1, { stateDir })).status).toBe('absent');
  });

  test('a waiting locker gets the lock once the holder releases it', async () => {
    await acquireLock(e1, run1, lockOpts());
    const waiting = acquireLock(e2, run2, lockOpts({ timeoutMs: 10_000 }));
    await new Promise((r) => setTimeout(r, 500));
    await releaseLock(e1, run1, { stateDir });
    expect((await waiting).tookOver).toBeUndefined();
    await releaseLock(e2, run2, { stateDir });
  });

  test('concurrent lockers: exactly one wins', async () => {
    const owners = [run1, run2, { ...run2, runId: '3003' }];
    const results = await Promise.allSettled(
      owners.map((o, i) => acquireLock(i % 2 ? e2 : e1, o, lockOpts({ timeoutMs: 0 }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = owners[results.findIndex((r) => r.status === 'fulfilled')];
    await releaseLock(e1, winner, { stateDir });
  });

  test('a re-run of the same workflow run takes the lock over; break-lock too, saying from whom', async () => {
    const lines: string[] = [];
    await acquireLock(e1, run1, lockOpts());
    const rerun = { ...run1, attempt: 2, runner: 'r9' };
    const got = await acquireLock(e2, rerun, lockOpts({ log: (l: string) => lines.push(l) }));
    expect(got.tookOver).toMatchObject({ reason: 'same-run', holder: { runId: '1001', attempt: 1 } });
    expect(await releaseLock(e1, run1, { stateDir })).toMatchObject({ status: 'other' });
    const broken = await acquireLock(e1, run2, lockOpts({ breakLock: true, log: (l: string) => lines.push(l) }));
    expect(broken.tookOver).toMatchObject({ reason: 'break-lock', holder: { attempt: 2 } });
    expect(lines.join('\n')).toContain('took over the deployment lock from acme/ops run 1001 attempt 2');
    expect(lines.join('\n')).toContain('(break-lock)');
    expect((await releaseLock(e1, run2, { stateDir })).status).toBe('released');
  });

  test('another job of the same run attempt waits like anyone else', async () => {
    await acquireLock(e1, run1, lockOpts());
    const sibling = { ...run1, runner: 'r2' };
    expect(await failure(acquireLock(e2, sibling, lockOpts({ timeoutMs: 200 })))).toBeInstanceOf(LockHeldError);
    await releaseLock(e1, run1, { stateDir });
  });

  test('audit lines are appended as one JSON line each, whatever they contain', async () => {
    const entry = {
      time: '2025-01-01T00:00:00.000Z',
      actor: 'alice',
      repository: 'acme/ops',
      runId: '1001',
      attempt: 1,
      host: 'alpha',
      instance: 'docker:new-api',
      from: 'v0.9.0',
      to: 'v0.9.6',
      result: 'rolled-back',
      message: `it's "broken"\n$(reboot) \`x\``,
    };
    await e1.run(auditLineCommand(entry, stateDir));
    await e1.run(auditLineCommand({ ...entry, result: 'updated', message: undefined }, stateDir));
    const lines = readFileSync(join(stateDir, 'audit.log'), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(
      [entry, { ...entry, result: 'updated', message: undefined }].map((x) => JSON.parse(JSON.stringify(x))),
    );
  });
});

test('no password or passphrase ever appeared in a log line, warning or error message', () => {
  const everything = [...logs, ...warnings, ...errors].join('\n');
  expect(everything.length).toBeGreaterThan(0);
  for (const secret of [PASSWORD, PASSPHRASE, edKey.privateKey.split('\n')[1]])
    expect(everything).not.toContain(secret);
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  fingerprintOf,
  hostKeyAlgorithms,
  hostKeyRefusal,
  keyTypeOf,
  knownHostsName,
  normalizeFingerprint,
  parseKnownHosts,
  verifyHostKey,
  type HostKeyVerdict,
} from '../../src/ssh/hostkeys.js';

interface Key {
  type: string;
  /** `type base64` */
  line: string;
  blob: Buffer;
  /** as printed by ssh-keygen -l */
  fingerprint: string;
}

let dir: string;
const keys: Record<'ed25519' | 'ecdsa' | 'rsa' | 'other', Key> = {} as never;

function keygen(name: keyof typeof keys, type: string): Key {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file, ...(type === 'rsa' ? ['-b', '1024'] : [])]);
  const [t, b64] = readFileSync(`${file}.pub`, 'utf8').split(/\s+/);
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(/\s+/)[1];
  return { type: t, line: `${t} ${b64}`, blob: Buffer.from(b64, 'base64'), fingerprint };
}

/** Hashes known_hosts text with `ssh-keygen -H`, as operators do. */
function hashed(text: string): string {
  const file = join(dir, 'known_hosts');
  writeFileSync(file, text);
  execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
  return readFileSync(file, 'utf8');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nau-hostkeys-'));
  keys.ed25519 = keygen('ed25519', 'ed25519');
  keys.ecdsa = keygen('ecdsa', 'ecdsa');
  keys.rsa = keygen('rsa', 'rsa');
  keys.other = keygen('other', 'ed25519');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const verify = (text: string, host: string, port: number, offered: Key, fp?: string) =>
  verifyHostKey(host, port, offered.blob, parseKnownHosts(text).entries, fp);

describe('fingerprints', () => {
  test('match ssh-keygen -l for every key type', () => {
    for (const k of Object.values(keys)) expect(fingerprintOf(k.blob)).toBe(k.fingerprint);
  });

  test('key types are read from the key data', () => {
    expect(keyTypeOf(keys.ecdsa.blob)).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOf(Buffer.from('nonsense'))).toBeUndefined();
  });

  test('a pinned fingerprint may omit the prefix or keep base64 padding', () => {
    const fp = keys.ed25519.fingerprint;
    expect(normalizeFingerprint(fp)).toBe(fp);
    expect(normalizeFingerprint(fp.slice('SHA256:'.length))).toBe(fp);
    expect(normalizeFingerprint(`${fp}=`)).toBe(fp);
  });

  test('an MD5 or mistyped fingerprint is an error, not a silent mismatch', () => {
    expect(() => normalizeFingerprint('MD5:12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0')).toThrow(
      /not a SHA256 fingerprint/,
    );
    expect(() => normalizeFingerprint('SHA256:short')).toThrow(/ssh-keygen -lf/);
  });
});

describe('known_hosts parsing', () => {
  test('host names: bare on port 22, [host]:port otherwise', () => {
    expect(knownHostsName('Example.COM', 22)).toBe('example.com');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  test('comments and blank lines are skipped; bad lines are reported with their line number', () => {
    const text = [
      '# a comment',
      '',
      `host1 ${keys.ed25519.line} comment words`,
      'host2 ssh-ed25519',
      `host3 ssh-rsa ${keys.ed25519.line.split(' ')[1]}`,
      'host4 ssh-ed25519 !!!notbase64',
      `@cert-authority *.example.com ${keys.ed25519.line}`,
      `@bogus host5 ${keys.ed25519.line}`,
      `|2|abc|def ${keys.ed25519.line}`,
    ].join('\n');
    const { entries, problems } = parseKnownHosts(text);
    expect(entries.map((e) => e.line)).toEqual([3]);
    expect(problems).toEqual([
      'line 4: expected "host key-type base64-key"',
      'line 5: key type ssh-rsa does not match the key data (ssh-ed25519)',
      'line 6: the key is not valid base64 SSH public key data',
      expect.stringMatching(/^line 7: @cert-authority is not supported/),
      'line 8: unknown marker @bogus',
      'line 9: unsupported hashed host name (only |1|salt|hash is known)',
    ]);
  });

  test('CRLF text (a secret pasted from Windows) parses the same', () => {
    expect(parseKnownHosts(`a ${keys.ed25519.line}\r\nb ${keys.rsa.line}\r\n`).entries).toHaveLength(2);
  });
});

describe('verifyHostKey', () => {
  test('a plain entry for port 22 and a [host]:port entry', () => {
    expect(verify(`10.0.0.5 ${keys.ed25519.line}`, '10.0.0.5', 22, keys.ed25519).status).toBe('ok');
    expect(verify(`[10.0.0.5]:2222 ${keys.ed25519.line}`, '10.0.0.5', 2222, keys.ed25519).status).toBe('ok');
    // A bare entry does not vouch for another port: that is another sshd.
    expect(verify(`10.0.0.5 ${keys.ed25519.line}`, '10.0.0.5', 2222, keys.ed25519).status).toBe('unknown');
  });

  test('comma-separated host lists, case-insensitive names, wildcards and negation', () => {
    const text = `web1.example.com,10.0.0.5 ${keys.ed25519.line}\n*.internal,!db.internal ${keys.rsa.line}`;
    expect(verify(text, '10.0.0.5', 22, keys.ed25519).status).toBe('ok');
    expect(verify(text, 'WEB1.example.com', 22, keys.ed25519).status).toBe('ok');
    expect(verify(text, 'app.internal', 22, keys.rsa).status).toBe('ok');
    expect(verify(text, 'db.internal', 22, keys.rsa).status).toBe('unknown');
  });

  test('hashed entries made by ssh-keygen -H, for port 22 and [host]:port', () => {
    const text = hashed(`example.org ${keys.ed25519.line}\n[10.0.0.9]:2200 ${keys.ecdsa.line}\n`);
    expect(text).not.toMatch(/example\.org|10\.0\.0\.9/);
    expect(verify(text, 'example.org', 22, keys.ed25519).status).toBe('ok');
    expect(verify(text, '10.0.0.9', 2200, keys.ecdsa).status).toBe('ok');
    expect(verify(text, '10.0.0.9', 22, keys.ecdsa).status).toBe('unknown');
    expect(verify(text, 'example.org', 22, keys.other)).toEqual({
      status: 'mismatch',
      keyType: 'ssh-ed25519',
      fingerprint: keys.other.fingerprint,
      expected: [{ keyType: 'ssh-ed25519', fingerprint: keys.ed25519.fingerprint }],
    });
  });

  test('any known key of the host is accepted; one it does not list is a mismatch naming all', () => {
    const text = `h ${keys.ed25519.line}\nh ${keys.ecdsa.line}\nh ${keys.rsa.line}`;
    for (const k of [keys.ed25519, keys.ecdsa, keys.rsa]) expect(verify(text, 'h', 22, k).status).toBe('ok');
    const v = verify(text, 'h', 22, keys.other);
    expect(v.status).toBe('mismatch');
    expect(v.status === 'mismatch' && v.expected.map((e) => e.fingerprint)).toEqual([
      keys.ed25519.fingerprint,
      keys.ecdsa.fingerprint,
      keys.rsa.fingerprint,
    ]);
  });

  test('a host known only by another key type is a mismatch, not a new host to trust', () => {
    expect(verify(`h ${keys.rsa.line}`, 'h', 22, keys.ed25519).status).toBe('mismatch');
  });

  test('@revoked keys are refused even when also listed as known', () => {
    const text = `h ${keys.ed25519.line}\n@revoked * ${keys.ed25519.line}`;
    expect(verify(text, 'h', 22, keys.ed25519).status).toBe('revoked');
    expect(verify(`@revoked * ${keys.ed25519.line}`, 'x', 22, keys.other).status).toBe('unknown');
  });

  test('a pinned fingerprint decides on its own', () => {
    expect(verify('', 'h', 22, keys.rsa, keys.rsa.fingerprint).status).toBe('ok');
    expect(verify(`h ${keys.rsa.line}`, 'h', 22, keys.ed25519, keys.ed25519.fingerprint).status).toBe('ok');
    expect(verify('', 'h', 22, keys.rsa, keys.ed25519.fingerprint)).toEqual({
      status: 'mismatch',
      keyType: 'ssh-rsa',
      fingerprint: keys.rsa.fingerprint,
      expected: [{ keyType: 'pinned', fingerprint: keys.ed25519.fingerprint }],
    });
  });
});

describe('host key algorithms', () => {
  test("the known key's type is asked for first, so the host offers the key we can check", () => {
    const { entries } = parseKnownHosts(`[h]:2222 ${keys.rsa.line}\nother ${keys.ecdsa.line}`);
    const algos = hostKeyAlgorithms('h', 2222, entries);
    expect(algos.slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(algos).toContain('ssh-ed25519');
    expect(new Set(algos).size).toBe(algos.length);
    expect(hostKeyAlgorithms('nobody', 22, entries)[0]).toBe('ssh-ed25519');
  });
});

describe('refusal messages', () => {
  const refusal = (host: string, port: number, v: HostKeyVerdict) => {
    if (v.status === 'ok') throw new Error('the key was accepted');
    return hostKeyRefusal('web-1', host, port, v);
  };

  test('a mismatch names the host, the offered key and the expected one', () => {
    const v = verify(`[10.1.1.1]:2222 ${keys.ed25519.line}`, '10.1.1.1', 2222, keys.other);
    const msg = refusal('10.1.1.1', 2222, v);
    expect(msg).toContain(
      `HOST KEY MISMATCH for web-1 ([10.1.1.1]:2222): it offered ED25519 key ${keys.other.fingerprint}`,
    );
    expect(msg).toContain(`expected ED25519 key ${keys.ed25519.fingerprint}`);
  });

  test('an unknown host says how to verify and add its key', () => {
    const msg = refusal('10.1.1.1', 22, verify('', '10.1.1.1', 22, keys.ecdsa));
    expect(msg).toContain(`is unknown: it offered ECDSA key ${keys.ecdsa.fingerprint}`);
    expect(msg).toContain('ssh-keyscan -p 22 10.1.1.1');
    expect(msg).toContain(`fingerprint: ${keys.ecdsa.fingerprint}`);
  });

  test('a wrong pin hints at the key type the host offers', () => {
    const msg = refusal('h', 22, verify('', 'h', 22, keys.ed25519, keys.rsa.fingerprint));
    expect(msg).toContain(`expected pinned fingerprint ${keys.rsa.fingerprint}`);
    expect(msg).toContain('the host offers its ED25519 key');
  });
});

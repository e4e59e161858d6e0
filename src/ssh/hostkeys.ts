/**
 * Host key verification against `ssh-known-hosts` lines (OpenSSH's known_hosts format) or a pinned
 * SHA256 fingerprint. Pure: no I/O, so every rule is unit-tested with real ssh-keygen output.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface KnownHostEntry {
  /** 1-based line number in the given text, for messages. */
  line: number;
  /** `@revoked`: this key must be refused for the matching hosts. */
  revoked: boolean;
  /** The host field: comma-separated patterns, or one hashed `|1|salt|hash` name. */
  hosts: HostField;
  keyType: string;
  key: Buffer;
  fingerprint: string;
}

type HostField =
  | { kind: 'patterns'; patterns: { negated: boolean; re: RegExp }[] }
  | { kind: 'hashed'; salt: Buffer; hash: Buffer };

export interface KnownHosts {
  entries: KnownHostEntry[];
  /** Lines that were skipped, with why ("line 3: ..."). Worth a warning: the user meant something. */
  problems: string[];
}

export interface ExpectedKey {
  keyType: string;
  fingerprint: string;
}

export type HostKeyVerdict =
  | { status: 'ok'; keyType: string; fingerprint: string }
  | { status: 'mismatch'; keyType: string; fingerprint: string; expected: ExpectedKey[] }
  | { status: 'unknown'; keyType: string; fingerprint: string }
  | { status: 'revoked'; keyType: string; fingerprint: string };

/** `SHA256:<base64 without padding>`, exactly as `ssh-keygen -l` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (its first string), or undefined if malformed. */
export function keyTypeOf(keyBlob: Buffer): string | undefined {
  if (keyBlob.length < 4) return undefined;
  const len = keyBlob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > keyBlob.length) return undefined;
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

/**
 * Normalizes a user-given fingerprint to `SHA256:xxx`. Accepts it with or without the `SHA256:` prefix
 * and base64 padding; anything else (an MD5 fingerprint, a typo) is an error, not a silent mismatch.
 */
export function normalizeFingerprint(fp: string): string {
  const body = fp
    .trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]{43}$/.test(body)) {
    throw new Error(
      `host key fingerprint "${fp}" is not a SHA256 fingerprint (expected SHA256: followed by 43 base64 ` +
        'characters, as printed by `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`)',
    );
  }
  return `SHA256:${body}`;
}

/** How a host is named in known_hosts: bare on port 22, `[host]:port` otherwise (OpenSSH's rule). */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

function parseHostField(field: string): HostField | string {
  if (field.startsWith('|')) {
    const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(field);
    if (!m) return 'unsupported hashed host name (only |1|salt|hash is known)';
    const salt = Buffer.from(m[1], 'base64');
    const hash = Buffer.from(m[2], 'base64');
    if (hash.length !== 20) return 'malformed hashed host name';
    return { kind: 'hashed', salt, hash };
  }
  const patterns = field
    .split(',')
    .filter((p) => p !== '')
    .map((p) => {
      const negated = p.startsWith('!');
      return { negated, re: globToRegExp(negated ? p.slice(1) : p) };
    });
  if (patterns.length === 0) return 'empty host list';
  return { kind: 'patterns', patterns };
}

/** Parses known_hosts text. Comments, blank lines and certificate-authority lines are skipped. */
export function parseKnownHosts(text: string): KnownHosts {
  const entries: KnownHostEntry[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let revoked = false;
    if (fields[0].startsWith('@')) {
      const marker = fields.shift() as string;
      if (marker === '@cert-authority') {
        problems.push(
          `line ${line}: @cert-authority is not supported (host certificates are not used); ` +
            "list the host's own key instead",
        );
        return;
      }
      if (marker !== '@revoked') {
        problems.push(`line ${line}: unknown marker ${marker}`);
        return;
      }
      revoked = true;
    }
    if (fields.length < 3) {
      problems.push(`line ${line}: expected "host key-type base64-key"`);
      return;
    }
    const [hostField, keyType, keyText] = fields;
    const hosts = parseHostField(hostField);
    if (typeof hosts === 'string') {
      problems.push(`line ${line}: ${hosts}`);
      return;
    }
    if (keyType.includes('-cert-')) {
      problems.push(`line ${line}: certificate keys (${keyType}) are not supported`);
      return;
    }
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(keyText) ? Buffer.from(keyText, 'base64') : Buffer.alloc(0);
    const blobType = keyTypeOf(key);
    if (blobType === undefined) {
      problems.push(`line ${line}: the key is not valid base64 SSH public key data`);
      return;
    }
    if (blobType !== keyType) {
      problems.push(`line ${line}: key type ${keyType} does not match the key data (${blobType})`);
      return;
    }
    entries.push({ line, revoked, hosts, keyType, key, fingerprint: fingerprintOf(key) });
  });
  return { entries, problems };
}

/** Whether a known_hosts entry applies to `host`:`port`. */
export function entryMatches(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  if (entry.hosts.kind === 'hashed') {
    const h = createHmac('sha1', entry.hosts.salt).update(name).digest();
    return timingSafeEqual(h, entry.hosts.hash);
  }
  let matched = false;
  for (const p of entry.hosts.patterns) {
    if (!p.re.test(name)) continue;
    // A matching negated pattern vetoes the whole line, whatever else matched.
    if (p.negated) return false;
    matched = true;
  }
  return matched;
}

/**
 * Decides whether the key a host offered is the one we expect. A pinned fingerprint is authoritative;
 * otherwise the known_hosts entries for that host decide. A key the entries do not name, while the host
 * has entries of its own, is a mismatch: for a deployment that is the man-in-the-middle case, never a
 * new key to trust.
 */
export function verifyHostKey(
  host: string,
  port: number,
  offered: Buffer,
  entries: readonly KnownHostEntry[],
  fingerprint?: string,
): HostKeyVerdict {
  const keyType = keyTypeOf(offered) ?? 'unknown';
  const offeredFp = fingerprintOf(offered);
  const mine = entries.filter((e) => entryMatches(e, host, port));
  if (mine.some((e) => e.revoked && e.key.equals(offered))) {
    return { status: 'revoked', keyType, fingerprint: offeredFp };
  }
  if (fingerprint !== undefined) {
    const pinned = normalizeFingerprint(fingerprint);
    return pinned === offeredFp
      ? { status: 'ok', keyType, fingerprint: offeredFp }
      : { status: 'mismatch', keyType, fingerprint: offeredFp, expected: [{ keyType: 'pinned', fingerprint: pinned }] };
  }
  const known = mine.filter((e) => !e.revoked);
  if (known.some((e) => e.key.equals(offered))) return { status: 'ok', keyType, fingerprint: offeredFp };
  if (known.length === 0) return { status: 'unknown', keyType, fingerprint: offeredFp };
  return {
    status: 'mismatch',
    keyType,
    fingerprint: offeredFp,
    expected: known.map((e) => ({ keyType: e.keyType, fingerprint: e.fingerprint })),
  };
}

const ALGORITHMS_BY_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ssh-dss': ['ssh-dss'],
};
const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Host key algorithms to offer, those of the key types known for this host first (as OpenSSH does), so
 * a host whose known_hosts line holds its RSA key is asked for that key rather than its ed25519 one.
 */
export function hostKeyAlgorithms(host: string, port: number, entries: readonly KnownHostEntry[]): string[] {
  const preferred = entries
    .filter((e) => !e.revoked && entryMatches(e, host, port))
    .flatMap((e) => ALGORITHMS_BY_KEY_TYPE[e.keyType] ?? []);
  return [...new Set([...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS])];
}

const TYPE_LABEL: Record<string, string> = {
  'ssh-ed25519': 'ED25519',
  'ssh-rsa': 'RSA',
  'ssh-dss': 'DSA',
  'ecdsa-sha2-nistp256': 'ECDSA',
  'ecdsa-sha2-nistp384': 'ECDSA',
  'ecdsa-sha2-nistp521': 'ECDSA',
};
const label = (keyType: string) => TYPE_LABEL[keyType] ?? keyType;

/** The error text for a refused host key: names the host, the offered key and what was expected. */
export function hostKeyRefusal(
  hostName: string,
  host: string,
  port: number,
  v: Exclude<HostKeyVerdict, { status: 'ok' }>,
): string {
  const where = `${hostName} (${knownHostsName(host, port)})`;
  const offered = `${label(v.keyType)} key ${v.fingerprint}`;
  const scan = `ssh-keyscan -p ${port} ${host}`;
  switch (v.status) {
    case 'revoked':
      return `host key of ${where} is REVOKED in ssh-known-hosts: it offered ${offered}. Refusing to connect.`;
    case 'unknown':
      return (
        `host key of ${where} is unknown: it offered ${offered}, and neither ssh-known-hosts nor a ` +
        `fingerprint names a key for it. Verify that fingerprint on the host (ssh-keygen -lf ` +
        `/etc/ssh/ssh_host_*_key.pub), then add the line from \`${scan}\` to ssh-known-hosts or set ` +
        `fingerprint: ${v.fingerprint}. Refusing to connect.`
      );
    case 'mismatch': {
      const expected = v.expected
        .map((e) =>
          e.keyType === 'pinned' ? `pinned fingerprint ${e.fingerprint}` : `${label(e.keyType)} key ${e.fingerprint}`,
        )
        .join(', ');
      const pinHint =
        v.expected[0]?.keyType === 'pinned'
          ? ` (the host offers its ${label(v.keyType)} key: the pin must be that key's fingerprint)`
          : '';
      return (
        `HOST KEY MISMATCH for ${where}: it offered ${offered}, but expected ${expected}${pinHint}. Someone may be ` +
        `intercepting the connection, or the host was reinstalled. Refusing to connect; if the change is ` +
        `legitimate, update ssh-known-hosts or the host's fingerprint.`
      );
    }
  }
}

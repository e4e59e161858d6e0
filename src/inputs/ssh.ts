/**
 * SSH credentials and host-key inputs, checked before any connection: a key that cannot be used, a missing
 * passphrase or a malformed known_hosts line is reported here, naming the input, instead of as an opaque
 * authentication failure later. ssh2 (node-ssh's own parser) parses the keys, so what passes here is what
 * the connection will accept.
 */
import ssh2 from 'ssh2';
import { InputError } from './errors.js';
import { fail, type Where } from './identifiers.js';

/**
 * Normalizes a pasted private key: CRLF line ends, surrounding blanks, a key stored with literal `\n`
 * escapes in a single-line secret; ends with one newline as OpenSSH expects.
 */
export function normalizePrivateKey(key: string): string {
  let text = key.replace(/\r\n?/g, '\n').trim();
  if (!text.includes('\n') && text.includes('\\n')) text = text.replace(/\\n/g, '\n');
  return `${text}\n`;
}

/**
 * Checks that `key` is a usable private key with `passphrase`. The key itself never appears in a message.
 * `source` says where it came from ("ssh-private-key" or "the environment variable NODE2_KEY").
 */
export function checkPrivateKey(where: Where, source: string, key: string, passphrase: string | undefined): void {
  const parsed = ssh2.utils.parseKey(key, passphrase);
  const keys = Array.isArray(parsed) ? parsed : [parsed];
  const first = keys[0];
  if (first instanceof Error || first === undefined) {
    const reason = first instanceof Error ? first.message : 'no key found';
    if (/no passphrase given/i.test(reason)) {
      fail(where, `${source} is encrypted`, 'give its passphrase in ssh-passphrase, or use a key without one');
    }
    if (/bad passphrase|integrity check failed|decrypt/i.test(reason)) {
      fail(where, `${source} cannot be decrypted with ssh-passphrase`, 'give the passphrase of this key');
    }
    fail(
      where,
      `${source} is not a private key ssh can use (${reason})`,
      'paste the whole private key (OpenSSH or PEM, -----BEGIN … PRIVATE KEY----- through the END line), not its path or the public key',
    );
  }
  if (!first.isPrivateKey()) {
    fail(
      where,
      `${source} is a public key`,
      "give the private key; the public key belongs in the host's authorized_keys",
    );
  }
}

/** `SHA256:<base64>` as printed by `ssh-keygen -lf` (the prefix and `=` padding are optional). */
export function parseFingerprint(where: Where, value: string): string {
  const match = /^(?:SHA256:)?([A-Za-z0-9+/]{43})=?$/.exec(value);
  if (!match) {
    const md5 = /^(MD5:)?([0-9a-f]{2}:){15}[0-9a-f]{2}$/i.test(value) ? ' (that is an MD5 fingerprint)' : '';
    fail(
      where,
      `is not a SHA256 fingerprint${md5}`,
      'give the SHA256:… value printed by ssh-keygen -lf on the host key (e.g. /etc/ssh/ssh_host_ed25519_key.pub)',
    );
  }
  return `SHA256:${match[1]}`;
}

const KNOWN_HOSTS_KEY = /^[A-Za-z0-9+/]+={0,3}$/;

/** known_hosts lines: `[@marker] patterns keytype base64 [comment]`; blank and `#` lines allowed. */
export function parseKnownHosts(input: string, value: string): string {
  const lines = value.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((line, index) => {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) return;
    const fields = text.split(/\s+/);
    if (fields[0].startsWith('@')) fields.shift();
    if (fields.length < 3 || !KNOWN_HOSTS_KEY.test(fields[2])) {
      throw new InputError(input, `line ${index + 1} is not a known_hosts line`, {
        fix: 'give lines as printed by ssh-keyscan: "host keytype base64-key"',
      });
    }
  });
  return lines
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

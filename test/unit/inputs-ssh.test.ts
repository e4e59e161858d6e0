import { secretVariants } from '../../src/inputs/secrets.js';
import { checkPrivateKey, normalizePrivateKey, parseFingerprint, parseKnownHosts } from '../../src/inputs/ssh.js';
import { ENCRYPTED_KEY, FINGERPRINT, PLAIN_KEY } from './inputs-fixtures.js';

const at = { input: 'ssh-private-key' };

function messageOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

describe('private keys are checked before connecting', () => {
  test('a plain key, and an encrypted key with its passphrase, are accepted', () => {
    expect(() => checkPrivateKey(at, 'the key', PLAIN_KEY.private, undefined)).not.toThrow();
    expect(() => checkPrivateKey(at, 'the key', ENCRYPTED_KEY.private, 'correct horse')).not.toThrow();
  });

  test.each([
    [ENCRYPTED_KEY.private, undefined, /the key is encrypted. Fix: give its passphrase in ssh-passphrase/],
    [ENCRYPTED_KEY.private, 'wrong', /the key cannot be decrypted with ssh-passphrase/],
    [PLAIN_KEY.public, undefined, /the key is a public key. Fix: give the private key/],
    ['~/.ssh/id_ed25519', undefined, /the key is not a private key ssh can use .*Fix: paste the whole private key/],
  ])('refused: %#', (key, passphrase, message) => {
    const text = messageOf(() => checkPrivateKey(at, 'the key', key, passphrase));
    expect(text).toMatch(message);
    expect(text).toMatch(/^Input 'ssh-private-key'/);
    expect(text).not.toContain(key.split('\n')[1] ?? key);
  });

  test.each([
    ['CRLF line ends', PLAIN_KEY.private.replace(/\n/g, '\r\n')],
    ['surrounding blanks', `\n  ${PLAIN_KEY.private}\n\n`],
    ['literal \\n escapes in a one-line secret', PLAIN_KEY.private.trim().replace(/\n/g, '\\n')],
  ])('a pasted key with %s is normalized into a usable key', (_, pasted) => {
    const key = normalizePrivateKey(pasted);
    expect(key).toBe(`${PLAIN_KEY.private.trim()}\n`);
    expect(() => checkPrivateKey(at, 'the key', key, undefined)).not.toThrow();
  });
});

describe('fingerprints', () => {
  const where = { input: 'hosts', host: 'h', key: 'fingerprint' };
  const body = FINGERPRINT.slice('SHA256:'.length);
  test.each([FINGERPRINT, body, `${FINGERPRINT}=`])('%s', (value) => {
    expect(parseFingerprint(where, value)).toBe(FINGERPRINT);
  });
  test.each([
    ['SHA256:short', /fingerprint is not a SHA256 fingerprint. Fix: give the SHA256:… value printed by ssh-keygen -lf/],
    ['00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff', /\(that is an MD5 fingerprint\)/],
  ])('%s is refused', (value, message) => {
    expect(() => parseFingerprint(where, value)).toThrow(message);
  });
});

describe('ssh-known-hosts', () => {
  const line =
    'node1.example,203.0.113.10 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
  test('lines are kept, blanks dropped; comments and markers allowed', () => {
    const text = `# bastion\r\n${line}\r\n\n@cert-authority *.example ${line.split(' ').slice(1).join(' ')}\n[node2]:2222 ${line.split(' ').slice(1).join(' ')}`;
    expect(parseKnownHosts('ssh-known-hosts', text).split('\n')).toHaveLength(4);
  });
  test.each([
    ['ssh-ed25519 AAAAC3Nza', /line 1 is not a known_hosts line/],
    [
      `${line}\nnode2 ssh-ed25519 not-base64!`,
      /line 2 is not a known_hosts line. Fix: give lines as printed by ssh-keyscan/,
    ],
  ])('malformed: %#', (text, message) => {
    expect(() => parseKnownHosts('ssh-known-hosts', text)).toThrow(message);
  });
});

describe('what is masked for a secret', () => {
  test('a one-line secret: itself, and its JSON-escaped form when that differs', () => {
    expect(secretVariants('pa"ss')).toEqual(['pa"ss', 'pa\\"ss']);
    expect(secretVariants('plain')).toEqual(['plain']);
  });
  test('a multi-line secret: also every line of four characters or more, since the runner masks per line', () => {
    const variants = secretVariants('-----BEGIN-----\nAAAAB3NzaC1\nxy\n-----END-----\n');
    expect(variants).toEqual(
      expect.arrayContaining([
        '-----BEGIN-----',
        'AAAAB3NzaC1',
        '-----END-----',
        '-----BEGIN-----\\nAAAAB3NzaC1\\nxy\\n-----END-----\\n',
      ]),
    );
    expect(variants).not.toContain('xy');
  });
});

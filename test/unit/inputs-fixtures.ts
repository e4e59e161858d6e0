/** Shared fixtures of the inputs tests: generated keys and a minimal valid set of inputs. */
import ssh2 from 'ssh2';
import type { RawInputs } from '../../src/inputs/defaults.js';

export const PLAIN_KEY = ssh2.utils.generateKeyPairSync('ed25519');
export const ENCRYPTED_KEY = ssh2.utils.generateKeyPairSync('ed25519', {
  passphrase: 'correct horse',
  cipher: 'aes256-ctr',
  rounds: 4,
});
export const FINGERPRINT = 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8';

/** One docker host with a fingerprint, password auth: the smallest inventory that passes. */
export function validRaw(overrides: Partial<RawInputs> = {}): Partial<RawInputs> {
  return {
    hosts: `- name: web\n  host: 203.0.113.10\n  fingerprint: ${FINGERPRINT}`,
    'ssh-password': 'hunter2-secret',
    ...overrides,
  };
}

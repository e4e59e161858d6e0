/**
 * The bad-input table (test/integration/support/bad-inputs.ts) through readSettings: every hostile or
 * malformed input is an InputError naming the input, the host entry when there is one, and what is wrong,
 * in a message that neither prints a secret nor carries a raw control character (a value must not be
 * able to forge a log line or a workflow command). The same table runs through the bundled action against
 * the real bed hosts in test/integration/bad-input.test.ts.
 */
import ssh2 from 'ssh2';
import { InputError, readSettings, type EventContext } from '../../src/inputs.js';
import {
  BAD_INPUTS,
  baseInputs,
  baseSecrets,
  caseInputs,
  expectedHost,
  inputEnv,
  type InputBase,
} from '../integration/support/bad-inputs.js';

const PASSPHRASE = 'unit-passphrase-0001';
const plain = ssh2.utils.generateKeyPairSync('ed25519');
const encrypted = ssh2.utils.generateKeyPairSync('ed25519', {
  passphrase: PASSPHRASE,
  cipher: 'aes256-ctr',
  rounds: 4,
});
const addresses = ['203.0.113.10', '203.0.113.11', '203.0.113.12'] as const;
const hostKey = plain.public.split(' ').slice(0, 2).join(' ');

const base: InputBase = {
  addresses,
  privateKey: plain.private,
  encryptedKey: encrypted.private,
  passphrase: PASSPHRASE,
  publicKey: plain.public,
  knownHosts: addresses.map((a) => `${a} ${hostKey}`).join('\n'),
  releasesApiUrl: 'https://api.github.com',
  image: 'calciumion/new-api',
};

const push: EventContext = { eventName: 'push', payload: {} };

/** readSettings with stdout silenced (it writes ::add-mask:: commands there); the error it threw. */
function refusal(env: Record<string, string>): unknown {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    readSettings(env, push);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    process.stdout.write = write;
  }
}

test('the table has at least 30 cases, each with its own title', () => {
  expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
  expect(new Set(BAD_INPUTS.map((c) => c.title)).size).toBe(BAD_INPUTS.length);
});

test('the base every case starts from is valid: only the hostile field can be the reason for a refusal', () => {
  expect(refusal(inputEnv(baseInputs(base)))).toBeUndefined();
});

test.each(BAD_INPUTS.map((c) => [c.title, c] as const))(
  '%s: an InputError naming the input (and host), saying what is wrong, printing no secret',
  (_title, c) => {
    const error = refusal({ ...inputEnv(caseInputs(c, base)), ...c.env });
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect(e.input).toBe(c.input);
    const host = expectedHost(c, base);
    if (host !== undefined) expect(e.host).toBe(host);
    expect(e.message.startsWith(host === undefined ? `Input '${c.input}'` : `Input '${c.input}', host '${host}'`)).toBe(
      true,
    );
    expect(e.message).toMatch(c.says);
    for (const secret of baseSecrets(base)) expect(e.message).not.toContain(secret);
    expect(e.message).not.toMatch(/[\u0000-\u001f\u007f]/);
  },
);

/** readSettings as the runner drives it: INPUT_* variables (hyphens kept), masking on stdout. */
import { readSettings, InputError, type EventContext } from '../../src/inputs.js';
import { FINGERPRINT, PLAIN_KEY } from './inputs-fixtures.js';

const push: EventContext = { eventName: 'push', payload: {} };

/** Runs `fn` with stdout captured (workflow commands such as ::add-mask:: are written there). */
function captureStdout<T>(fn: () => T): { result?: T; error?: unknown; out: string } {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: fn(), out };
  } catch (error) {
    return { error, out };
  } finally {
    process.stdout.write = write;
  }
}

const baseEnv = {
  INPUT_HOSTS: `- name: web\n  host: 203.0.113.10\n  fingerprint: ${FINGERPRINT}\n  ssh-private-key-env: WEB_KEY`,
  'INPUT_SSH-PASSWORD': 'pw-fallback-123',
  'INPUT_ADMIN-PASSWORD': 'admin-secret-456',
  'INPUT_ADMIN-USERNAME': 'root',
  'INPUT_SSH-TIMEOUT': ' 5 ',
  'INPUT_DRY-RUN': 'true',
  WEB_KEY: PLAIN_KEY.private,
};

test('reads hyphenated INPUT_* variables like the runner sets them, trimmed', () => {
  const { result } = captureStdout(() => readSettings(baseEnv, push));
  expect(result).toMatchObject({
    sshTimeoutSeconds: 5,
    dryRun: true,
    adminUsername: 'root',
    sshPassword: 'pw-fallback-123',
    hosts: [{ name: 'web', privateKey: PLAIN_KEY.private.trim() + '\n' }],
  });
});

test('masks every secret, and each line of multi-line ones, including per-host keys', () => {
  const { out } = captureStdout(() => readSettings(baseEnv, push));
  const masks = out.split('\n').filter((line) => line.startsWith('::add-mask::'));
  expect(masks).toContain('::add-mask::pw-fallback-123');
  expect(masks).toContain('::add-mask::admin-secret-456');
  for (const line of PLAIN_KEY.private.trim().split('\n')) expect(masks).toContain(`::add-mask::${line}`);
  expect(masks).not.toContain('::add-mask::root');
  expect(new Set(masks).size).toBe(masks.length);
});

test('masks the secrets before a validation error, and the error does not contain them', () => {
  const { error, out } = captureStdout(() => readSettings({ ...baseEnv, INPUT_CHECKS: 'api-call' }, push));
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(/^Input 'checks' names api-call, which needs api-key/);
  expect(out).toContain('::add-mask::admin-secret-456');
  expect((error as Error).message).not.toContain('admin-secret-456');
});

test('masks come before any warning', () => {
  const { out } = captureStdout(() =>
    readSettings({ ...baseEnv, 'INPUT_SSH-INSECURE-SKIP-HOST-KEY-CHECK': 'true' }, push),
  );
  const lines = out.split('\n');
  const warning = lines.findIndex((line) => line.startsWith('::warning::'));
  expect(warning).toBeGreaterThan(0);
  expect(lines.slice(warning).some((line) => line.startsWith('::add-mask::'))).toBe(false);
});

test('on a release event, an empty version is the release tag', () => {
  const release: EventContext = { eventName: 'release', payload: { release: { tag_name: 'v0.13.2' } } };
  expect(captureStdout(() => readSettings(baseEnv, release)).result?.version).toBe('v0.13.2');
  expect(captureStdout(() => readSettings({ ...baseEnv, INPUT_VERSION: 'v0.9.6' }, release)).result?.version).toBe(
    'v0.9.6',
  );
});

test('without hosts, the error names the input and the fix', () => {
  const { error } = captureStdout(() => readSettings({}, push));
  expect(error).toBeInstanceOf(InputError);
  expect(error).toMatchObject({ input: 'hosts', message: expect.stringMatching(/^Input 'hosts' is empty. Fix:/) });
});

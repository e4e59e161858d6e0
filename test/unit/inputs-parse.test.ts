import { parseSettings, type RunContext } from '../../src/inputs/parse.js';
import type { RawInputs } from '../../src/inputs/defaults.js';
import { ENCRYPTED_KEY, FINGERPRINT, PLAIN_KEY, validRaw } from './inputs-fixtures.js';

const context: RunContext = { env: {}, eventName: 'workflow_dispatch' };
const parse = (overrides: Partial<RawInputs>, ctx: Partial<RunContext> = {}) =>
  parseSettings(validRaw(overrides), { ...context, ...ctx });

describe('parseSettings: defaults', () => {
  test('every default of the contract is applied', () => {
    const { settings, warnings } = parse({});
    expect(settings).toMatchObject({
      version: 'latest',
      repository: { owner: 'QuantumNous', repo: 'new-api' },
      releasesApiUrl: 'https://api.github.com',
      image: 'calciumion/new-api',
      includePrereleases: false,
      sshInsecureSkipHostKeyCheck: false,
      sshTimeoutSeconds: 20,
      commandTimeoutSeconds: 600,
      checks: 'auto',
      healthTimeoutSeconds: 120,
      testChannels: false,
      stabilitySeconds: 30,
      backup: true,
      backupDir: '/var/backups/new-api',
      backupKeep: 5,
      rollback: 'auto',
      restoreDataOnRollback: false,
      allowDowngrade: false,
      allowBreaking: false,
      maintenanceWindows: [],
      outsideWindow: 'skip',
      order: 'master-first',
      batchSize: 1,
      dryRun: false,
      lockTimeoutSeconds: 300,
      breakLock: false,
      maxWaitSeconds: 3600,
      commentOnPr: 'auto',
    });
    expect(settings.logErrorPatterns.map(String)).toEqual(['/\\[FATAL\\]/', '/panic:/']);
    for (const optional of ['githubToken', 'prNumber', 'environment', 'sshPrivateKey', 'adminUserId'] as const) {
      expect(settings[optional]).toBeUndefined();
    }
    expect(warnings).toEqual([]);
  });

  test('version: empty on a release event is the release tag', () => {
    expect(parse({}, { eventName: 'release', releaseTag: 'v0.9.6' }).settings.version).toBe('v0.9.6');
  });
  test('version: empty elsewhere is latest, even when a payload carries a tag', () => {
    expect(parse({}, { eventName: 'push', releaseTag: 'v0.9.6' }).settings.version).toBe('latest');
  });
  test('version: an explicit value wins over the release tag', () => {
    expect(parse({ version: '~0.9' }, { eventName: 'release', releaseTag: 'v0.9.6' }).settings.version).toBe('~0.9');
  });
  test('version: a malformed release tag is reported as such', () => {
    expect(() => parse({}, { eventName: 'release', releaseTag: 'v1;id' })).toThrow(
      /^Input 'version': "v1;id" \(the release event's tag, used because version is empty\) contains shell syntax/,
    );
  });

  test('github-token falls back to GITHUB_TOKEN outside GitHub', () => {
    expect(parse({}, { env: { GITHUB_TOKEN: 'ghp_fromenv' } }).settings.githubToken).toBe('ghp_fromenv');
    expect(parse({ 'github-token': 'ghs_input' }, { env: { GITHUB_TOKEN: 'x' } }).settings.githubToken).toBe(
      'ghs_input',
    );
  });

  test('explicit values are parsed into their types', () => {
    const { settings } = parse({
      'pr-number': '42',
      'admin-access-token': 'tok',
      'admin-user-id': '1',
      environment: 'production',
      'maintenance-window': 'Sat 02:00-04:00',
      checks: 'status, version',
      'batch-size': '3',
      'comment-on-pr': 'False',
    });
    expect(settings).toMatchObject({
      prNumber: 42,
      adminUserId: '1',
      environment: 'production',
      checks: ['status', 'version'],
      batchSize: 3,
      commentOnPr: 'false',
    });
    expect(settings.maintenanceWindows).toHaveLength(1);
  });
});

describe('parseSettings: every input is validated', () => {
  test.each([
    ['ssh-timeout', '0', /^Input 'ssh-timeout': 0 is out of range. Fix: give a whole number between 1 and 600/],
    ['ssh-timeout', '601', /between 1 and 600/],
    ['command-timeout', '86401', /between 1 and 86400/],
    ['health-timeout', '3601', /between 1 and 3600/],
    ['stability-seconds', '3601', /between 0 and 3600/],
    ['backup-keep', '0', /between 1 and 1000/],
    ['batch-size', '101', /between 1 and 100/],
    ['lock-timeout', '86401', /between 0 and 86400/],
    ['max-wait', '604801', /between 0 and 604800/],
    ['pr-number', '0', /^Input 'pr-number': 0 is out of range/],
    ['pr-number', '#12', /^Input 'pr-number': "#12" is not a whole number/],
    ['admin-user-id', 'root', /^Input 'admin-user-id': "root" is not a whole number/],
    ['include-prereleases', 'yes', /^Input 'include-prereleases': "yes" is not a boolean/],
    ['ssh-insecure-skip-host-key-check', '1', /^Input 'ssh-insecure-skip-host-key-check'/],
    ['test-channels', 'maybe', /^Input 'test-channels'/],
    ['backup', 'no', /^Input 'backup'/],
    ['restore-data-on-rollback', 'on', /^Input 'restore-data-on-rollback'/],
    ['allow-downgrade', 'y', /^Input 'allow-downgrade'/],
    ['allow-breaking', 'ja', /^Input 'allow-breaking'/],
    ['dry-run', 'dry', /^Input 'dry-run'/],
    ['break-lock', '2', /^Input 'break-lock'/],
    ['rollback', 'always', /^Input 'rollback': "always" is not one of auto, never/],
    ['outside-window', 'queue', /^Input 'outside-window': "queue" is not one of skip, fail, wait/],
    ['order', 'random', /^Input 'order'/],
    ['comment-on-pr', 'always', /^Input 'comment-on-pr': "always" is not one of auto, true, false/],
    ['repository', 'new-api', /^Input 'repository'/],
    ['releases-api-url', 'api.github.com', /^Input 'releases-api-url'/],
    ['image', 'calciumion/new-api:v1', /^Input 'image'/],
    ['backup-dir', 'backups', /^Input 'backup-dir'/],
    ['maintenance-window', 'weekends', /^Input 'maintenance-window'/],
    ['checks', 'everything', /^Input 'checks'/],
    ['log-error-patterns', '[', /^Input 'log-error-patterns'/],
    ['version', 'v1 && reboot', /^Input 'version'/],
    ['environment', 'prod\u0007', /^Input 'environment'/],
    ['ssh-known-hosts', 'garbage', /^Input 'ssh-known-hosts'/],
    ['hosts', '- name: a\n  bogus: 1', /^Input 'hosts', host 'a': unknown key "bogus"/],
  ])('%s: %j', (input, value, message) => {
    expect(() => parse({ [input]: value })).toThrow(message);
  });
});

describe('parseSettings: inputs that conflict or are incomplete', () => {
  test.each<[string, Partial<RawInputs>, RegExp]>([
    [
      'registry user without password',
      { 'registry-username': 'u' },
      /^Input 'registry-username' is given without registry-password/,
    ],
    [
      'registry password without user',
      { 'registry-password': 'p' },
      /^Input 'registry-password' is given without registry-username/,
    ],
    [
      'admin user without password',
      { 'admin-username': 'root' },
      /^Input 'admin-username' is given without admin-password/,
    ],
    [
      'admin password without user',
      { 'admin-password': 'p' },
      /^Input 'admin-password' is given without admin-username/,
    ],
    [
      'access token without user id',
      { 'admin-access-token': 't' },
      /^Input 'admin-access-token' is given without admin-user-id/,
    ],
    ['user id alone', { 'admin-user-id': '1' }, /^Input 'admin-user-id' is given without admin-access-token/],
    [
      'admin-login without admin credentials',
      { checks: 'status,admin-login' },
      /^Input 'checks' names admin-login, which needs admin credentials/,
    ],
    [
      'channels without admin credentials',
      { checks: 'channels' },
      /^Input 'checks' names channels, which needs admin credentials/,
    ],
    [
      'api-call without api-key',
      { checks: 'api-call' },
      /^Input 'checks' names api-call, which needs api-key. Fix: give a New API token/,
    ],
    [
      'test-channels without admin credentials',
      { 'test-channels': 'true' },
      /^Input 'test-channels' is true, but the channels check has no admin credentials/,
    ],
    [
      'test-channels with checks lacking channels',
      { 'test-channels': 'true', checks: 'status', 'admin-username': 'a', 'admin-password': 'p' },
      /^Input 'test-channels' is true, but checks does not include channels/,
    ],
    ['passphrase without a key', { 'ssh-passphrase': 'pw' }, /^Input 'ssh-passphrase' is given without a private key/],
    [
      'restore without backup',
      { 'restore-data-on-rollback': 'true', backup: 'false' },
      /^Input 'restore-data-on-rollback' needs the backup this run takes, but backup is false/,
    ],
    [
      'encrypted key without passphrase',
      { 'ssh-private-key': ENCRYPTED_KEY.private },
      /^Input 'ssh-private-key': the key is encrypted/,
    ],
    [
      'no way to authenticate',
      { 'ssh-password': '' },
      /^Input 'hosts', host 'web' has no way to authenticate. Fix: give ssh-private-key or ssh-password, or ssh-private-key-env for this host/,
    ],
    [
      'no host key to verify',
      { hosts: '- name: web\n  host: 203.0.113.10' },
      /^Input 'hosts', host 'web' has no host key to verify against. Fix: give ssh-known-hosts .* ssh-insecure-skip-host-key-check: true skips the check/,
    ],
    [
      'no host key for the bastion',
      { hosts: `- name: web\n  host: 203.0.113.10\n  fingerprint: ${FINGERPRINT}\n  jump: ops@bastion` },
      /^Input 'hosts', host 'web' has no host key to verify the bastion bastion against. Fix: .*jump-fingerprint/,
    ],
  ])('%s', (_, overrides, message) => {
    expect(() => parse(overrides)).toThrow(message);
  });

  test.each<[string, Partial<RawInputs>]>([
    ['admin password login', { checks: 'admin-login,channels', 'admin-username': 'root', 'admin-password': 'p' }],
    ['admin access token', { checks: 'admin-login', 'admin-access-token': 't', 'admin-user-id': '1' }],
    ['password login with a user id', { 'admin-username': 'root', 'admin-password': 'p', 'admin-user-id': '1' }],
    ['api-call with a key', { checks: 'api-call', 'api-key': 'sk-abc' }],
    ['test-channels with auto checks', { 'test-channels': 'true', 'admin-access-token': 't', 'admin-user-id': '1' }],
    ['registry credentials', { 'registry-username': 'u', 'registry-password': 'p' }],
    [
      'encrypted key with its passphrase',
      { 'ssh-password': '', 'ssh-private-key': ENCRYPTED_KEY.private, 'ssh-passphrase': 'correct horse' },
    ],
    ['known_hosts instead of fingerprints', { hosts: '- host: a\n  jump: b', 'ssh-known-hosts': 'a ssh-ed25519 AAAA' }],
    ['skipping the host key check', { hosts: '- host: a', 'ssh-insecure-skip-host-key-check': 'true' }],
    ['restore with backup', { 'restore-data-on-rollback': 'true' }],
  ])('accepted: %s', (_, overrides) => {
    expect(() => parse(overrides)).not.toThrow();
  });

  test('skipping the host key check is accepted with a warning', () => {
    const { warnings } = parse({ hosts: '- host: a', 'ssh-insecure-skip-host-key-check': 'true' });
    expect(warnings).toEqual([expect.stringMatching(/host keys are NOT verified/)]);
  });

  test('a host may authenticate with its own key only', () => {
    const { settings } = parse(
      { 'ssh-password': '', hosts: `- host: a\n  fingerprint: ${FINGERPRINT}\n  ssh-private-key-env: A_KEY` },
      { env: { A_KEY: PLAIN_KEY.private } },
    );
    expect(settings.hosts[0].privateKey).toBe(PLAIN_KEY.private.trim() + '\n');
  });

  test("a host's own key is checked like the common one", () => {
    expect(() =>
      parse(
        { hosts: `- host: a\n  fingerprint: ${FINGERPRINT}\n  ssh-private-key-env: A_KEY` },
        { env: { A_KEY: PLAIN_KEY.public } },
      ),
    ).toThrow(/^Input 'hosts', host 'a': ssh-private-key-env names a key that is a public key/);
  });
});

describe('parseSettings: secrets', () => {
  test('every secret input, the per-host keys and their lines are collected, and nothing else', () => {
    const { settings } = parse(
      {
        'ssh-private-key': PLAIN_KEY.private,
        'ssh-passphrase': 'correct horse',
        'registry-username': 'robot',
        'registry-password': 'reg-pass',
        'admin-username': 'root',
        'admin-password': 'admin-pass',
        'api-key': 'sk-apikey',
        'github-token': 'ghs_token',
        hosts: `- host: a\n  fingerprint: ${FINGERPRINT}\n  ssh-private-key-env: A_KEY`,
      },
      { env: { A_KEY: ENCRYPTED_KEY.private }, eventName: 'push' },
    );
    for (const secret of ['hunter2-secret', 'correct horse', 'reg-pass', 'admin-pass', 'sk-apikey', 'ghs_token']) {
      expect(settings.secrets).toContain(secret);
    }
    for (const key of [PLAIN_KEY.private, ENCRYPTED_KEY.private]) {
      const line = key.split('\n')[1];
      expect(settings.secrets).toContain(line);
      expect(settings.secrets).toContain(key.trim());
    }
    expect(settings.secrets).not.toContain('robot');
    expect(settings.secrets).not.toContain('root');
  });
});

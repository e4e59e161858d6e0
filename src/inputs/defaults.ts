/**
 * The catalog of inputs: every name the action reads, which of them are secrets, and the static defaults.
 * action.yml documents the same defaults; test/unit/inputs-defaults.test.ts parses action.yml and fails when
 * the two disagree, so `node dist/index.js` outside GitHub behaves like the action on a runner.
 */

export const INPUT_NAMES = [
  // what to install
  'version',
  'repository',
  'releases-api-url',
  'registry-username',
  'registry-password',
  'image',
  'include-prereleases',
  'github-token',
  // where
  'hosts',
  'ssh-private-key',
  'ssh-passphrase',
  'ssh-password',
  'ssh-known-hosts',
  'ssh-insecure-skip-host-key-check',
  'ssh-timeout',
  'command-timeout',
  // checks
  'admin-username',
  'admin-password',
  'admin-access-token',
  'admin-user-id',
  'api-key',
  'checks',
  'health-timeout',
  'log-error-patterns',
  'test-channels',
  'stability-seconds',
  // safety
  'backup',
  'backup-dir',
  'backup-keep',
  'rollback',
  'restore-data-on-rollback',
  'allow-downgrade',
  'allow-breaking',
  'maintenance-window',
  'outside-window',
  'order',
  'batch-size',
  'dry-run',
  'lock-timeout',
  'break-lock',
  'max-wait',
  // reporting
  'comment-on-pr',
  'pr-number',
  'environment',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];

/** Raw input values as the runner hands them over (trimmed; '' when not given). */
export type RawInputs = Record<InputName, string>;

/** Inputs whose values are masked in logs and scrubbed from reports. */
export const SECRET_INPUTS: readonly InputName[] = [
  'registry-password',
  'github-token',
  'ssh-private-key',
  'ssh-passphrase',
  'ssh-password',
  'admin-password',
  'admin-access-token',
  'api-key',
];

export const OUTPUT_NAMES = ['result', 'update-available', 'version', 'previous-versions', 'report'] as const;

/**
 * Static defaults, as written in action.yml. Inputs missing here have no static default: they are optional,
 * required (`hosts`), or depend on the run's context (`version`: the release's tag on a `release` event, else
 * `latest`; `github-token`: the workflow's token, see CONTEXT_DEFAULTS).
 */
export const DEFAULTS = {
  repository: 'QuantumNous/new-api',
  'releases-api-url': 'https://api.github.com',
  image: 'calciumion/new-api',
  'include-prereleases': 'false',
  'ssh-insecure-skip-host-key-check': 'false',
  'ssh-timeout': '20',
  'command-timeout': '600',
  checks: 'auto',
  'health-timeout': '120',
  'log-error-patterns': '\\[FATAL\\]\npanic:',
  'test-channels': 'false',
  'stability-seconds': '30',
  backup: 'true',
  'backup-dir': '/var/backups/new-api',
  'backup-keep': '5',
  rollback: 'auto',
  'restore-data-on-rollback': 'false',
  'allow-downgrade': 'false',
  'allow-breaking': 'false',
  'outside-window': 'skip',
  order: 'master-first',
  'batch-size': '1',
  'dry-run': 'false',
  'lock-timeout': '300',
  'break-lock': 'false',
  'max-wait': '3600',
  'comment-on-pr': 'auto',
} as const satisfies Partial<Record<InputName, string>>;

/**
 * Defaults that action.yml writes as an expression the runner evaluates. Outside GitHub the code falls back
 * to the environment variable of the same meaning (GITHUB_TOKEN).
 */
export const CONTEXT_DEFAULTS = {
  'github-token': '${{ github.token }}',
} as const satisfies Partial<Record<InputName, string>>;

/** Defaults of the `hosts` inventory keys. */
export const HOST_DEFAULTS = {
  port: 22,
  user: 'root',
  role: 'master',
  method: 'docker',
  container: 'new-api',
  service: 'new-api',
  url: 'http://127.0.0.1:3000',
  sudo: false,
} as const;

/** Ranges of the integer inputs: wide enough for any real setup, narrow enough to catch a unit mistake. */
export const INTEGER_RANGES = {
  'ssh-timeout': [1, 600],
  'command-timeout': [1, 86400],
  'health-timeout': [1, 3600],
  'stability-seconds': [0, 3600],
  'backup-keep': [1, 1000],
  'batch-size': [1, 100],
  'lock-timeout': [0, 86400],
  'max-wait': [0, 604800],
  'pr-number': [1, 2147483647],
  'admin-user-id': [1, 2147483647],
} as const satisfies Partial<Record<InputName, readonly [number, number]>>;

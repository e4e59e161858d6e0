/**
 * Turns the raw inputs into the typed Settings: defaults applied, every value validated, and the rules that
 * span several inputs (credentials that come in pairs, checks that need credentials, a way to authenticate
 * and to verify every host) enforced. Pure: the caller supplies the inputs, the environment and the event.
 */
import type { HostSpec, Settings } from '../settings.js';
import { parseChecks, parseLogPatterns } from './checks.js';
import { DEFAULTS, INTEGER_RANGES, SECRET_INPUTS, type InputName, type RawInputs } from './defaults.js';
import { InputError } from './errors.js';
import { parseHosts } from './hosts.js';
import { parseAbsolutePath, parseEnvironmentName, parseHttpUrl, parseImage, parseRepository } from './identifiers.js';
import { parseBoolean, parseEnum, parseInteger } from './scalars.js';
import { secretVariants } from './secrets.js';
import { checkPrivateKey, normalizePrivateKey, parseKnownHosts } from './ssh.js';
import { parseVersion } from './version.js';
import { parseMaintenanceWindows } from './windows.js';

export interface RunContext {
  /** Environment of the step: resolves `ssh-private-key-env`, and GITHUB_TOKEN outside GitHub. */
  env: Record<string, string | undefined>;
  /** GitHub event name (`release`, `workflow_dispatch`, …). */
  eventName?: string;
  /** `release.tag_name` of the event payload, on a release event. */
  releaseTag?: string;
}

export interface ParsedSettings {
  settings: Settings;
  /** Accepted but risky choices, to be shown as warnings. */
  warnings: string[];
}

export function parseSettings(raw: Partial<RawInputs>, context: RunContext): ParsedSettings {
  const defaults: Partial<Record<InputName, string>> = DEFAULTS;
  const value = (name: InputName): string => raw[name]?.trim() || defaults[name] || '';
  const optional = (name: InputName): string | undefined => value(name) || undefined;
  const bool = (name: InputName): boolean => parseBoolean(name, value(name));
  const int = (name: keyof typeof INTEGER_RANGES): number => {
    const [min, max] = INTEGER_RANGES[name];
    return parseInteger(name, value(name), min, max);
  };
  const where = (input: InputName) => ({ input });

  const releaseTag = context.eventName === 'release' ? context.releaseTag?.trim() : undefined;
  const version = value('version')
    ? parseVersion(value('version'))
    : releaseTag
      ? parseVersion(releaseTag, "the release event's tag, used because version is empty")
      : 'latest';

  const sshPrivateKey = optional('ssh-private-key');
  const sshKnownHosts = optional('ssh-known-hosts');
  const adminUserId = optional('admin-user-id');
  const prNumber = optional('pr-number');
  const environment = optional('environment');

  const settings: Settings = {
    version,
    repository: parseRepository(where('repository'), value('repository')),
    releasesApiUrl: parseHttpUrl(where('releases-api-url'), value('releases-api-url')),
    registryUsername: optional('registry-username'),
    registryPassword: optional('registry-password'),
    image: parseImage(where('image'), value('image')),
    includePrereleases: bool('include-prereleases'),
    githubToken: optional('github-token') ?? (context.env.GITHUB_TOKEN?.trim() || undefined),

    hosts: parseHosts(value('hosts'), context.env),
    sshPrivateKey: sshPrivateKey === undefined ? undefined : normalizePrivateKey(sshPrivateKey),
    sshPassphrase: optional('ssh-passphrase'),
    sshPassword: optional('ssh-password'),
    sshKnownHosts: sshKnownHosts === undefined ? undefined : parseKnownHosts('ssh-known-hosts', sshKnownHosts),
    sshInsecureSkipHostKeyCheck: bool('ssh-insecure-skip-host-key-check'),
    sshTimeoutSeconds: int('ssh-timeout'),
    commandTimeoutSeconds: int('command-timeout'),

    adminUsername: optional('admin-username'),
    adminPassword: optional('admin-password'),
    adminAccessToken: optional('admin-access-token'),
    adminUserId: adminUserId === undefined ? undefined : String(int('admin-user-id')),
    apiKey: optional('api-key'),
    checks: parseChecks(value('checks')),
    healthTimeoutSeconds: int('health-timeout'),
    logErrorPatterns: parseLogPatterns(value('log-error-patterns')),
    testChannels: bool('test-channels'),
    stabilitySeconds: int('stability-seconds'),

    backup: bool('backup'),
    backupDir: parseAbsolutePath(where('backup-dir'), value('backup-dir')),
    backupKeep: int('backup-keep'),
    rollback: parseEnum('rollback', value('rollback'), ['auto', 'never'] as const),
    restoreDataOnRollback: bool('restore-data-on-rollback'),
    allowDowngrade: bool('allow-downgrade'),
    allowBreaking: bool('allow-breaking'),
    maintenanceWindows: parseMaintenanceWindows(value('maintenance-window')),
    outsideWindow: parseEnum('outside-window', value('outside-window'), ['skip', 'fail', 'wait'] as const),
    order: parseEnum('order', value('order'), ['master-first', 'slaves-first'] as const),
    batchSize: int('batch-size'),
    dryRun: bool('dry-run'),
    lockTimeoutSeconds: int('lock-timeout'),
    breakLock: bool('break-lock'),
    maxWaitSeconds: int('max-wait'),

    commentOnPr: parseEnum('comment-on-pr', value('comment-on-pr'), ['auto', 'true', 'false'] as const),
    prNumber: prNumber === undefined ? undefined : int('pr-number'),
    environment: environment === undefined ? undefined : parseEnvironmentName(where('environment'), environment),

    secrets: [],
  };

  checkCredentialPairs(settings);
  checkChecks(settings);
  checkSsh(settings);
  if (settings.restoreDataOnRollback && !settings.backup) {
    throw new InputError('restore-data-on-rollback', 'needs the backup this run takes, but backup is false', {
      fix: 'set backup: true, or restore-data-on-rollback: false',
    });
  }

  const secretValues = [
    ...SECRET_INPUTS.map((name) => value(name)),
    settings.githubToken ?? '',
    settings.sshPrivateKey ?? '',
    ...settings.hosts.map((host) => host.privateKey ?? ''),
  ].filter((secret) => secret !== '');
  settings.secrets = [...new Set(secretValues.flatMap(secretVariants))];

  const warnings = settings.sshInsecureSkipHostKeyCheck
    ? [
        'ssh-insecure-skip-host-key-check is true: host keys are NOT verified, so a machine in the middle could ' +
          'receive the credentials. Give ssh-known-hosts or per-host fingerprints instead.',
      ]
    : [];
  return { settings, warnings };
}

function checkCredentialPairs(s: Settings): void {
  const pair = (a: string, aValue: unknown, b: string, bValue: unknown): void => {
    if (aValue !== undefined && bValue === undefined) {
      throw new InputError(a, `is given without ${b}`, { fix: `give ${b} too, or remove ${a}` });
    }
  };
  pair('registry-username', s.registryUsername, 'registry-password', s.registryPassword);
  pair('registry-password', s.registryPassword, 'registry-username', s.registryUsername);
  pair('admin-username', s.adminUsername, 'admin-password', s.adminPassword);
  pair('admin-password', s.adminPassword, 'admin-username', s.adminUsername);
  pair('admin-access-token', s.adminAccessToken, 'admin-user-id', s.adminUserId);
  if (s.adminUserId !== undefined && s.adminAccessToken === undefined && s.adminUsername === undefined) {
    throw new InputError('admin-user-id', 'is given without admin-access-token', {
      fix: 'give the access token of that user in admin-access-token, or remove admin-user-id',
    });
  }
}

function checkChecks(s: Settings): void {
  const admin = s.adminAccessToken !== undefined || s.adminUsername !== undefined;
  const adminFix = 'give admin-access-token with admin-user-id, or admin-username with admin-password';
  if (s.checks !== 'auto') {
    for (const check of ['admin-login', 'channels'] as const) {
      if (s.checks.includes(check) && !admin) {
        throw new InputError('checks', `names ${check}, which needs admin credentials`, {
          fix: `${adminFix}, or drop ${check} from checks`,
        });
      }
    }
    if (s.checks.includes('api-call') && s.apiKey === undefined) {
      throw new InputError('checks', 'names api-call, which needs api-key', {
        fix: 'give a New API token (sk-…) in api-key, or drop api-call from checks',
      });
    }
  }
  if (s.testChannels) {
    if (!admin) {
      throw new InputError('test-channels', 'is true, but the channels check has no admin credentials', {
        fix: `${adminFix}, or set test-channels: false`,
      });
    }
    if (s.checks !== 'auto' && !s.checks.includes('channels')) {
      throw new InputError('test-channels', 'is true, but checks does not include channels', {
        fix: 'add channels to checks, or set test-channels: false',
      });
    }
  }
}

/** Every host needs a credential and a way to verify its host key (and its bastion's) before connecting. */
function checkSsh(s: Settings): void {
  const anyKey = s.sshPrivateKey !== undefined || s.hosts.some((host) => host.privateKey !== undefined);
  if (s.sshPassphrase !== undefined && !anyKey) {
    throw new InputError('ssh-passphrase', 'is given without a private key', {
      fix: "give ssh-private-key (or a host's ssh-private-key-env), or remove ssh-passphrase",
    });
  }
  if (s.sshPrivateKey !== undefined) {
    checkPrivateKey({ input: 'ssh-private-key' }, 'the key', s.sshPrivateKey, s.sshPassphrase);
  }
  for (const host of s.hosts) checkHostSsh(s, host);
}

function checkHostSsh(s: Settings, host: HostSpec): void {
  const where = { input: 'hosts', host: host.name, key: 'ssh-private-key-env' };
  if (host.privateKey !== undefined) {
    checkPrivateKey(where, 'names a key that', host.privateKey, s.sshPassphrase);
  } else if (s.sshPrivateKey === undefined && s.sshPassword === undefined) {
    throw new InputError('hosts', 'has no way to authenticate', {
      host: host.name,
      fix: 'give ssh-private-key or ssh-password, or ssh-private-key-env for this host',
    });
  }
  if (s.sshInsecureSkipHostKeyCheck || s.sshKnownHosts !== undefined) return;
  const fix =
    'give ssh-known-hosts (lines from ssh-keyscan, checked against the host) or its fingerprint; ' +
    'ssh-insecure-skip-host-key-check: true skips the check';
  if (host.fingerprint === undefined) {
    throw new InputError('hosts', 'has no host key to verify against', { host: host.name, fix });
  }
  if (host.jump !== undefined && host.jump.fingerprint === undefined) {
    throw new InputError('hosts', `has no host key to verify the bastion ${host.jump.host} against`, {
      host: host.name,
      fix: fix.replace('its fingerprint', 'jump-fingerprint'),
    });
  }
}

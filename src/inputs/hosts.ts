/**
 * The `hosts` inventory: a YAML list of hosts, validated strictly (unknown keys, duplicate names, several
 * masters and keys of another method are errors, not ignored) and returned with the contract's defaults.
 */
import { parseDocument } from 'yaml';
import type { HostSpec, JumpSpec, Method, Role } from '../settings.js';
import { HOST_DEFAULTS } from './defaults.js';
import { InputError, didYouMean, quote } from './errors.js';
import {
  fail,
  parseAbsolutePath,
  parseDockerName,
  parseEnvName,
  parseHostAddress,
  parseHttpUrl,
  parsePlain,
  parseUser,
  type Where,
} from './identifiers.js';
import { normalizePrivateKey, parseFingerprint } from './ssh.js';

const INPUT = 'hosts';
const METHODS: readonly Method[] = ['docker', 'compose', 'source'];
const ROLES: readonly Role[] = ['master', 'slave'];

const COMMON_KEYS = [
  'name',
  'host',
  'port',
  'user',
  'role',
  'method',
  'url',
  'fingerprint',
  'jump',
  'jump-fingerprint',
  'ssh-private-key-env',
  'sudo',
  'pre-update',
  'post-update',
] as const;

/** Keys that only make sense for one method: given for another, they reveal a forgotten `method:`. */
const METHOD_KEYS: Record<Method, readonly string[]> = {
  docker: ['container'],
  compose: ['project-dir', 'service'],
  source: ['source-dir', 'restart', 'build', 'logs'],
};

export const HOST_KEYS: readonly string[] = [...COMMON_KEYS, ...Object.values(METHOD_KEYS).flat()];

const EXAMPLE = '"- name: web\\n  host: 203.0.113.10"';

type Entry = Record<string, unknown>;

/** Parses the inventory. `env` resolves `ssh-private-key-env`. */
export function parseHosts(text: string, env: Record<string, string | undefined>): HostSpec[] {
  if (text.trim() === '') {
    throw new InputError(INPUT, 'is empty', { fix: `give a YAML list of hosts, e.g. ${EXAMPLE}` });
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const message = doc.errors[0].message.split('\n')[0].replace(/:$/, '');
    const escapedNewlines = !text.includes('\n') && text.includes('\\n');
    throw new InputError(INPUT, `is not valid YAML: ${message}`, {
      fix: escapedNewlines
        ? 'the value holds literal \\n sequences: write real line breaks (a YAML block: hosts: |)'
        : 'check the indentation and quoting of the hosts block (keys with duplicates are not allowed either)',
    });
  }
  // The yaml library only warns about tags it does not know (!!js/function, !!python/object): in an
  // inventory they are a mistake or an attack, never something to take as plain text.
  const tag = doc.warnings.find((w) => /tag/i.test(w.message));
  if (tag) {
    throw new InputError(INPUT, `uses a YAML tag the inventory does not accept: ${tag.message.split('\n')[0]}`, {
      fix: 'remove the tag (values are plain strings, numbers and booleans)',
    });
  }
  let list: unknown;
  try {
    list = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(INPUT, `cannot be expanded: ${(e as Error).message}`, {
      fix: 'write the hosts out instead of nesting YAML aliases',
    });
  }
  if (!Array.isArray(list)) {
    const single = list !== null && typeof list === 'object';
    throw new InputError(INPUT, single ? 'is a single mapping, not a list' : 'is not a list of hosts', {
      fix: single ? 'start each host with "- " (a YAML list item)' : `give a YAML list of hosts, e.g. ${EXAMPLE}`,
    });
  }
  if (list.length === 0) {
    throw new InputError(INPUT, 'is an empty list', { fix: `give at least one host, e.g. ${EXAMPLE}` });
  }
  const hosts = list.map((entry, index) => parseEntry(entry, index, env));
  checkInventory(hosts);
  return hosts;
}

/** The name an entry is reported under: its name or host when printable, else its position. */
function entryLabel(entry: Entry, index: number): string {
  for (const key of ['name', 'host']) {
    const value = entry[key];
    if ((typeof value === 'string' || typeof value === 'number') && /^[A-Za-z0-9._:@-]{1,64}$/.test(String(value))) {
      return String(value);
    }
  }
  return `#${index + 1}`;
}

function parseEntry(raw: unknown, index: number, env: Record<string, string | undefined>): HostSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(INPUT, `entry #${index + 1} is not a mapping`, {
      fix: 'write each host as key: value lines under its "- ", e.g. "- host: 203.0.113.10"',
    });
  }
  const entry = raw as Entry;
  const label = entryLabel(entry, index);
  const where = (key: string): Where => ({ input: INPUT, host: label, key });

  for (const [key, value] of Object.entries(entry)) {
    if (!HOST_KEYS.includes(key)) {
      fail(
        { input: INPUT, host: label },
        `unknown key ${quote(key)}`,
        `${didYouMean(key, HOST_KEYS)}remove it, or use one of: ${HOST_KEYS.join(', ')}`,
      );
    }
    if (value === null || value === undefined) {
      fail(where(key), 'has no value', `give ${key} a value or remove the key`);
    }
  }

  const text = (key: string, numbersAllowed = false): string | undefined => {
    const value = entry[key];
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value.trim();
    if (numbersAllowed && typeof value === 'number' && Number.isInteger(value)) return String(value);
    return fail(where(key), `must be text, not ${quote(value)}`, `write ${key} as a plain value`);
  };
  const command = (key: string): string | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    if (value === '' || value.includes('\0')) {
      fail(where(key), value === '' ? 'is empty' : 'contains a NUL byte', `give a shell command or remove ${key}`);
    }
    return value;
  };

  const hostValue = text('host');
  if (hostValue === undefined || hostValue === '') {
    fail({ input: INPUT, host: label }, 'has no host', 'add "host: <address or DNS name>" to this entry');
  }
  const host = parseHostAddress(where('host'), hostValue);
  const nameValue = text('name', true);
  const name = nameValue === undefined ? host : parsePlain(where('name'), nameValue);

  const method = enumValue(where('method'), text('method') ?? HOST_DEFAULTS.method, METHODS);
  const role = enumValue(where('role'), text('role') ?? HOST_DEFAULTS.role, ROLES);
  for (const [other, keys] of Object.entries(METHOD_KEYS)) {
    if (other === method) continue;
    const stray = keys.find((key) => key in entry);
    if (stray) {
      fail(
        where(stray),
        `belongs to method ${other}, but this host uses method ${method}${'method' in entry ? '' : ' (the default)'}`,
        `set method: ${other}, or remove ${stray}`,
      );
    }
  }

  const user = parseUser(where('user'), text('user', true) ?? HOST_DEFAULTS.user);
  const spec: HostSpec = {
    name,
    host,
    port: port(where('port'), entry.port ?? HOST_DEFAULTS.port),
    user,
    role,
    method,
    url: parseHttpUrl(where('url'), text('url') ?? HOST_DEFAULTS.url),
    container: parseDockerName(where('container'), text('container', true) ?? HOST_DEFAULTS.container),
    service: parseDockerName(where('service'), text('service', true) ?? HOST_DEFAULTS.service),
    sudo: bool(where('sudo'), entry.sudo ?? HOST_DEFAULTS.sudo),
  };

  const projectDir = text('project-dir');
  if (method === 'compose') {
    if (projectDir === undefined) {
      fail(
        where('project-dir'),
        'is missing (method compose needs it)',
        'add "project-dir: /path/of/the/compose/project"',
      );
    }
    spec.projectDir = parseAbsolutePath(where('project-dir'), projectDir);
  }
  const sourceDir = text('source-dir');
  if (method === 'source') {
    if (sourceDir === undefined) {
      fail(where('source-dir'), 'is missing (method source needs it)', 'add "source-dir: /path/of/the/git/clone"');
    }
    spec.sourceDir = parseAbsolutePath(where('source-dir'), sourceDir);
    spec.restart = command('restart');
    spec.build = command('build');
    spec.logs = command('logs');
  }
  spec.preUpdate = command('pre-update');
  spec.postUpdate = command('post-update');

  const fingerprint = text('fingerprint');
  if (fingerprint !== undefined) spec.fingerprint = parseFingerprint(where('fingerprint'), fingerprint);
  const jump = text('jump');
  const jumpFingerprint = text('jump-fingerprint');
  if (jump !== undefined) {
    spec.jump = parseJump(where('jump'), jump, user);
    if (jumpFingerprint !== undefined) {
      spec.jump.fingerprint = parseFingerprint(where('jump-fingerprint'), jumpFingerprint);
    }
  } else if (jumpFingerprint !== undefined) {
    fail(
      where('jump-fingerprint'),
      'is given without jump',
      'add "jump: user@bastion:port" or remove jump-fingerprint',
    );
  }

  const keyEnv = text('ssh-private-key-env');
  if (keyEnv !== undefined) {
    const variable = parseEnvName(where('ssh-private-key-env'), keyEnv);
    const key = env[variable];
    if (key === undefined || key.trim() === '') {
      fail(
        where('ssh-private-key-env'),
        `names the environment variable ${variable}, which is empty or not set`,
        `set it in the step's env: (${variable}: \${{ secrets.${variable} }})`,
      );
    }
    spec.privateKey = normalizePrivateKey(key);
  }
  return spec;
}

function enumValue<T extends string>(where: Where, value: string, allowed: readonly T[]): T {
  const lower = value.toLowerCase();
  if ((allowed as readonly string[]).includes(lower)) return lower as T;
  return fail(
    where,
    `${quote(value)} is not one of ${allowed.join(', ')}`,
    `${didYouMean(value, allowed)}use one of ${allowed.join(', ')}`,
  );
}

function port(where: Where, value: unknown): number {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) {
    fail(where, `${quote(value)} is not a port number`, 'give a whole number between 1 and 65535');
  }
  return number;
}

function bool(where: Where, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return fail(where, `${quote(value)} is not a boolean`, 'write true or false');
}

/** `[user@]bastion[:port]`; IPv6 bastions in brackets (`admin@[2001:db8::1]:2222`). */
export function parseJump(where: Where, value: string, defaultUser: string): JumpSpec {
  const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:@[\]]+)(?::([^:]*))?$/.exec(value);
  if (!match) {
    fail(
      where,
      `${quote(value)} is not user@host:port`,
      'write the bastion as user@host:port (user and port optional)',
    );
  }
  const user = parseUser(where, match[1] ?? defaultUser);
  const host = parseHostAddress(where, match[2].replace(/^\[(.*)\]$/, '$1'));
  const jumpPort = match[3] === undefined ? 22 : port(where, match[3]);
  return { user, host, port: jumpPort };
}

/** Rules across entries. */
function checkInventory(hosts: HostSpec[]): void {
  const byName = new Map<string, HostSpec>();
  const byTarget = new Map<string, HostSpec>();
  for (const host of hosts) {
    if (byName.has(host.name)) {
      throw new InputError(INPUT, `two entries are named ${quote(host.name)}`, {
        host: host.name,
        fix: 'give each entry a distinct name: (names default to the host address)',
      });
    }
    byName.set(host.name, host);
    const deployment =
      host.method === 'docker'
        ? host.container
        : host.method === 'compose'
          ? `${host.projectDir}#${host.service}`
          : host.sourceDir;
    const target = `${host.host}:${host.port}|${host.method}|${deployment}`;
    const twin = byTarget.get(target);
    if (twin) {
      throw new InputError(INPUT, `entries ${quote(twin.name)} and ${quote(host.name)} are the same deployment`, {
        host: host.name,
        fix: 'list each deployment once',
      });
    }
    byTarget.set(target, host);
  }
  const masters = hosts.filter((host) => host.role === 'master');
  if (masters.length > 1) {
    throw new InputError(INPUT, `${masters.length} hosts are masters (${masters.map((h) => h.name).join(', ')})`, {
      fix: 'a cluster has one master, which migrates the database: mark the others with role: slave (role defaults to master)',
    });
  }
}

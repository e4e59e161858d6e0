/**
 * Identifiers that end up in remote commands, URLs or API calls. They are validated to a plain character set
 * (letters, digits, `._-/:@`) and may not start with `-`, so that no value can be mistaken for an option or
 * carry shell syntax, even though every value is also quoted where it is used.
 */
import { isIP } from 'node:net';
import { InputError, quote } from './errors.js';

/** Where a value came from: the input, and for inventory values the host and key. */
export interface Where {
  input: string;
  host?: string;
  key?: string;
}

export function fail(where: Where, problem: string, fix: string): never {
  const subject = where.key ? `${where.key} ` : '';
  throw new InputError(where.input, `${subject}${problem}`, { host: where.host, fix });
}

const PLAIN = /^[A-Za-z0-9._/:@-]+$/;
const LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*\\.?$`);
const DOCKER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9._@-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** A label such as a host name: plain characters, not starting with `-`. */
export function parsePlain(where: Where, value: string, max = 64): string {
  if (value === '' || value.length > max || !PLAIN.test(value) || value.startsWith('-')) {
    fail(
      where,
      `${quote(value)} is not a plain identifier`,
      `use at most ${max} letters, digits and ._-/:@, not starting with -`,
    );
  }
  return value;
}

/** A DNS name or an IPv4/IPv6 address (IPv6 without brackets). */
export function parseHostAddress(where: Where, value: string): string {
  if (isIP(value) !== 0 || HOSTNAME.test(value)) return value;
  const bracketed = /^\[(.*)\]$/.exec(value);
  if (bracketed && isIP(bracketed[1]) === 6) {
    fail(where, `${quote(value)} has brackets`, `write the IPv6 address without brackets (${bracketed[1]})`);
  }
  fail(
    where,
    `${quote(value)} is not a host name or IP address`,
    'give a DNS name or an IP address, without user or port',
  );
}

export function parseUser(where: Where, value: string): string {
  if (!USER.test(value)) {
    fail(where, `${quote(value)} is not a valid user name`, 'use letters, digits and ._@-, not starting with - or .');
  }
  return value;
}

/** Docker container or compose service name (docker's own rule). */
export function parseDockerName(where: Where, value: string): string {
  if (!DOCKER_NAME.test(value)) {
    fail(where, `${quote(value)} is not a valid name`, 'use letters, digits and _.-, starting with a letter or digit');
  }
  return value;
}

/**
 * An absolute, plain path without `..` segments, trailing slash removed. `/` itself is refused: every path
 * input names a directory the action writes into or deletes from.
 */
export function parseAbsolutePath(where: Where, value: string): string {
  if (!value.startsWith('/') || !PLAIN.test(value)) {
    fail(
      where,
      `${quote(value)} is not a plain absolute path`,
      'give a path starting with / made of letters, digits and ._-/:@',
    );
  }
  const trimmed = value.replace(/\/+$/, '');
  if (trimmed === '') fail(where, 'is the root directory', 'give a dedicated directory, e.g. /opt/new-api');
  if (trimmed.split('/').some((segment) => segment === '..' || segment === '.')) {
    fail(where, `${quote(value)} contains . or .. segments`, 'write the path without . or .. segments');
  }
  return trimmed;
}

/** The NAME of an environment variable. The value is deliberately not quoted: a key pasted here is a secret. */
export function parseEnvName(where: Where, value: string): string {
  if (!ENV_NAME.test(value)) {
    const looksLikeKey = value.includes('PRIVATE KEY') || value.length > 128;
    fail(
      where,
      looksLikeKey ? 'holds what looks like a key, not a variable name' : 'is not a valid environment variable name',
      "give the NAME of an environment variable set in the step's env: (e.g. NODE2_KEY: ${{ secrets.NODE2_KEY }})",
    );
  }
  return value;
}

/** An http(s) URL without credentials, query or fragment; trailing slash removed. */
export function parseHttpUrl(where: Where, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(where, `${quote(value)} is not a URL`, 'give an absolute URL such as http://127.0.0.1:3000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(where, `${quote(value)} is not an http(s) URL`, 'give a URL starting with http:// or https://');
  }
  if (url.username || url.password) {
    fail(where, 'contains credentials', 'remove user:password@ from the URL; credentials have their own inputs');
  }
  if (url.search || url.hash) {
    fail(where, `${quote(value)} has a query or fragment`, 'give the base URL only');
  }
  return url.href.replace(/\/+$/, '');
}

const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;

export function parseRepository(where: Where, value: string): { owner: string; repo: string } {
  const parts = value.split('/');
  if (parts.length === 2 && GITHUB_OWNER.test(parts[0]) && GITHUB_REPO.test(parts[1]) && !/^\.+$/.test(parts[1])) {
    return { owner: parts[0], repo: parts[1] };
  }
  fail(where, `${quote(value)} is not owner/name`, 'give the repository as owner/name, e.g. QuantumNous/new-api');
}

// Docker's reference grammar (distribution/reference), without tag or digest: the action appends the tag.
const DOMAIN_COMPONENT = '(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_DOMAIN = new RegExp(`^${DOMAIN}$`);
const IMAGE_PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

/** Docker reads the first component as a registry only when it has a `.` or `:` or is `localhost`. */
function isImageReference(value: string): boolean {
  const slash = value.indexOf('/');
  const first = slash < 0 ? '' : value.slice(0, slash);
  if (/[.:]/.test(first) || first === 'localhost') {
    return IMAGE_DOMAIN.test(first) && IMAGE_PATH.test(value.slice(slash + 1));
  }
  return IMAGE_PATH.test(value);
}

/** Image repository without tag, e.g. `calciumion/new-api` or `127.0.0.1:5000/calciumion/new-api`. */
export function parseImage(where: Where, value: string): string {
  const lastSegment = value.slice(value.lastIndexOf('/') + 1);
  if (value.includes('@') || lastSegment.includes(':')) {
    fail(
      where,
      `${quote(value)} carries a tag or digest`,
      'give the repository only; the tag comes from the version input',
    );
  }
  if (value.length > 255 || !isImageReference(value)) {
    const lower =
      value.toLowerCase() !== value && isImageReference(value.toLowerCase())
        ? ' (repository paths are lower case)'
        : '';
    fail(
      where,
      `${quote(value)} is not an image repository${lower}`,
      'give e.g. calciumion/new-api or registry.example.com:5000/team/new-api',
    );
  }
  return value;
}

const ENVIRONMENT = /^[\p{L}\p{N}][\p{L}\p{N} ._\-/()]{0,254}$/u;

/** A GitHub deployment environment name. */
export function parseEnvironmentName(where: Where, value: string): string {
  if (!ENVIRONMENT.test(value)) {
    fail(
      where,
      `${quote(value)} is not a usable environment name`,
      'use at most 255 letters, digits, spaces and ._-/()',
    );
  }
  return value;
}

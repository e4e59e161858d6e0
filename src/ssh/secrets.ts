/**
 * Secret masking. Every secret input and every credential read from a host goes into one Masker, whose
 * `onAdd` hook the action wires to `core.setSecret`, so the runner masks it too; our own log lines, error
 * messages, the plan and the report are passed through `mask()` before they are printed. Pure.
 */

export const MASK = '***';

// Shorter values would mask common words and numbers all over the log while protecting nothing.
const MIN_SECRET_LENGTH = 4;

export class Masker {
  private readonly values = new Set<string>();

  constructor(private readonly onAdd?: (value: string) => void) {}

  /**
   * Registers a secret. Also registers each line of a multi-line value (a private key printed line by
   * line stays masked), and the forms it takes inside JSON strings and URLs.
   */
  add(value: string | undefined): void {
    if (!value) return;
    const lines = value.split(/\r?\n/).map((l) => l.trim());
    for (const v of [value, ...(lines.length > 1 ? lines : [])]) {
      this.register(v);
      this.register(JSON.stringify(v).slice(1, -1));
      this.register(encodeURIComponent(v));
    }
  }

  mask(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another one is masked whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) {
      if (out.includes(v)) out = out.split(v).join(MASK);
    }
    return out;
  }

  private register(v: string): void {
    if (v.trim().length < MIN_SECRET_LENGTH || this.values.has(v)) return;
    this.values.add(v);
    this.onAdd?.(v);
  }
}

const NAMED = new Set(['SQL_DSN', 'LOG_SQL_DSN', 'REDIS_CONN_STRING', 'SESSION_SECRET', 'CRYPTO_SECRET']);
const CREDENTIAL_NAME = /PASS|SECRET|TOKEN|KEY|DSN|CREDENTIAL/i;
// Flags and counts under credential-looking names (GENERATE_DEFAULT_TOKEN=true, TOKEN_TTL=3600) are not
// secrets, and masking them would blank every "true" in the log.
const NOT_A_SECRET = /^(true|false|yes|no|on|off|null|none|\d{1,5})$/i;

/** The password inside a DSN or URL: `scheme://user:pass@host`, `user:pass@tcp(host)/db`, `password=x`. */
function dsnPasswords(value: string): string[] {
  const found: string[] = [];
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]*)@/i.exec(value);
  if (url) {
    const colon = url[1].indexOf(':');
    if (colon >= 0) found.push(url[1].slice(colon + 1));
  }
  // go-sql-driver/mysql form, which New API's SQL_DSN uses: the password runs to the last @ before
  // the protocol's parenthesis (or the /dbname).
  const mysql = /^[^:@/\s]*:(.+)@(?:[a-z]*\(|\/)/i.exec(value);
  if (mysql && !url) found.push(mysql[1]);
  const kv = /(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/i.exec(value);
  if (kv) found.push(kv[1].replace(/^'(.*)'$/, '$1'));
  return found.flatMap((p) => {
    try {
      const decoded = decodeURIComponent(p);
      return decoded === p ? [p] : [p, decoded];
    } catch {
      return [p];
    }
  });
}

/**
 * Credential values in an environment (a container's `docker inspect` env, a `.env` file, a compose
 * file's environment): the values of New API's credential settings, of any credential-looking name,
 * and the password of every DSN/URL in any value.
 */
export function findCredentialValues(env: Record<string, string>): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if ((NAMED.has(name) || CREDENTIAL_NAME.test(name)) && !NOT_A_SECRET.test(value.trim())) out.add(value);
    for (const p of dsnPasswords(value)) if (p) out.add(p);
  }
  return [...out];
}

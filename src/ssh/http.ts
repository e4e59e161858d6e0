/**
 * HTTP to New API as seen from the host. Normally one request per `forwardOut` channel, spoken by node's
 * own HTTP client over the channel; where the host's sshd forbids forwarding, the same request is made
 * by curl (or wget) running on the host. Builders and parsers here are pure; the executor does the I/O.
 */
import http from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { shellJoin, shq } from './quote.js';
import type { ExecResult, HttpRequest, HttpResponse, RemoteCommand } from './types.js';

export type HttpTransport = 'forward' | 'curl' | 'gnu-wget' | 'wget';

export type HttpFailure = 'unreachable' | 'timeout' | 'protocol' | 'unavailable';

export class HttpRequestError extends Error {
  constructor(
    readonly hostName: string,
    readonly kind: HttpFailure,
    message: string,
  ) {
    super(`[${hostName}] ${message}`);
    this.name = 'HttpRequestError';
  }
}

export interface HttpTarget {
  https: boolean;
  /** Without IPv6 brackets, as forwardOut wants it. */
  hostname: string;
  port: number;
  /** `host:port` for the Host header. */
  authority: string;
  /** Path prefix of the url (New API behind a sub-path), without trailing slash. */
  basePath: string;
}

export function parseTarget(url: string): HttpTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`url "${url}" is not a valid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`url "${url}" must be http:// or https://`);
  const https = u.protocol === 'https:';
  return {
    https,
    hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : https ? 443 : 80,
    authority: u.host,
    basePath: u.pathname.replace(/\/+$/, ''),
  };
}

function fullUrl(t: HttpTarget, path: string): string {
  return `${t.https ? 'https' : 'http'}://${t.authority}${t.basePath}${path}`;
}

const secs = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** One request over an already-open stream to the target (a forwardOut channel). */
export function requestOverStream(
  hostName: string,
  stream: Duplex,
  target: HttpTarget,
  req: HttpRequest,
  timeoutMs: number,
): Promise<HttpResponse> {
  const what = `${req.method} ${fullUrl(target, req.path)}`;
  const socket = target.https
    ? tls.connect({ socket: stream, servername: isIP(target.hostname) ? undefined : target.hostname })
    : stream;
  return new Promise<HttpResponse>((resolve, reject) => {
    let done = false;
    const finish = (err: Error | undefined, res?: HttpResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stream.destroy();
      if (err) reject(err);
      else resolve(res as HttpResponse);
    };
    const headers: Record<string, string> = { host: target.authority, connection: 'close', ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const r = http.request({
      method: req.method,
      path: target.basePath + req.path,
      headers,
      createConnection: () => socket as never,
    });
    const timer = setTimeout(() => {
      r.destroy();
      finish(new HttpRequestError(hostName, 'timeout', `${what}: no response within ${secs(timeoutMs)}`));
    }, timeoutMs);
    r.on('error', (e) => finish(new HttpRequestError(hostName, 'protocol', `${what}: ${e.message}`)));
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => finish(new HttpRequestError(hostName, 'protocol', `${what}: ${e.message}`)));
      res.on('end', () => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = v;
        finish(undefined, { status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    r.end(req.body);
  });
}

/** Prints which HTTP client the host has, best first; prints nothing when it has none. */
export const HTTP_TOOL_PROBE: RemoteCommand = {
  label: 'look for curl or wget on the host',
  script:
    'if command -v curl >/dev/null 2>&1; then echo curl; ' +
    'elif command -v wget >/dev/null 2>&1; then ' +
    'case "$(wget --version 2>/dev/null)" in *"GNU Wget"*) echo gnu-wget ;; *) echo wget ;; esac; fi',
  allowFailure: true,
};

// curl config-file string: double-quoted, with \\ \" \n \r \t escapes.
function curlString(s: string): string {
  return `"${s.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] as string)}"`;
}

/**
 * curl on the host, configured through stdin (`-K -`): headers (tokens, cookies) and the body (a login
 * password) never appear on a command line, where other users of the host could read them in `ps`.
 */
export function curlCommand(target: HttpTarget, req: HttpRequest, timeoutMs: number): RemoteCommand {
  const config = [
    `url = ${curlString(fullUrl(target, req.path))}`,
    `request = ${curlString(req.method)}`,
    // The url is as seen from the host: never through a proxy the host's environment may name.
    'noproxy = "*"',
    'header = "Expect:"',
    ...Object.entries(req.headers ?? {}).map(([k, v]) => `header = ${curlString(`${k}: ${v}`)}`),
    ...(req.body !== undefined ? [`data-raw = ${curlString(req.body)}`] : []),
    `max-time = ${Math.max(1, Math.ceil(timeoutMs / 1000))}`,
  ];
  return {
    label: `${req.method} ${req.path} (curl on the host)`,
    argv: ['curl', '-sS', '-i', '--http1.1', '-K', '-'],
    stdin: config.join('\n') + '\n',
    timeoutMs: timeoutMs + 10_000,
    allowFailure: true,
    quiet: true,
  };
}

function parseHeaderLines(lines: string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const line of lines) {
    const m = /^\s*([^:\s]+):\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const k = m[1].toLowerCase();
    const prev = headers[k];
    headers[k] = prev === undefined ? m[2] : Array.isArray(prev) ? [...prev, m[2]] : [prev, m[2]];
  }
  return headers;
}

export function parseCurlResult(hostName: string, what: string, r: ExecResult): HttpResponse {
  if (r.code === 7) throw new HttpRequestError(hostName, 'unreachable', `${what}: ${r.stderr.trim()}`);
  if (r.code === 28) throw new HttpRequestError(hostName, 'timeout', `${what}: ${r.stderr.trim()}`);
  if (r.code !== 0)
    throw new HttpRequestError(hostName, 'protocol', `${what}: curl exit ${r.code}: ${r.stderr.trim()}`);
  let rest = r.stdout;
  for (;;) {
    const end = rest.search(/\r?\n\r?\n/);
    const head = end < 0 ? rest : rest.slice(0, end);
    const status = /^HTTP\/[\d.]+ (\d{3})/.exec(head);
    if (!status) throw new HttpRequestError(hostName, 'protocol', `${what}: no HTTP status line in curl's output`);
    rest = end < 0 ? '' : rest.slice(end).replace(/^\r?\n\r?\n/, '');
    const code = Number(status[1]);
    // Interim 1xx responses come before the real one.
    if (code >= 200 || end < 0) {
      return { status: code, headers: parseHeaderLines(head.split(/\r?\n/).slice(1)), body: rest };
    }
  }
}

/**
 * wget on the host, for hosts without curl. Headers go on its command line (wget reads them nowhere
 * else); a body goes through stdin into a private temp file, as wget wants a seekable file to post.
 * BusyBox wget speaks GET and POST only.
 */
export function wgetCommand(target: HttpTarget, req: HttpRequest, timeoutMs: number, gnu: boolean): RemoteCommand {
  if (req.method !== 'GET' && req.method !== 'POST' && !gnu) {
    throw new Error(`${req.method} needs curl or GNU wget on the host; BusyBox wget sends only GET and POST`);
  }
  const argv = ['wget', '-q', '-S', '-O', '-', '-T', String(Math.max(1, Math.ceil(timeoutMs / 1000)))];
  if (gnu) argv.push('-t', '1', '--content-on-error', '--no-proxy');
  if (gnu && req.method !== 'GET' && req.method !== 'POST') argv.push(`--method=${req.method}`);
  for (const [k, v] of Object.entries(req.headers ?? {})) argv.push(`--header=${k}: ${v}`);
  const url = shq(fullUrl(target, req.path));
  const common = {
    label: `${req.method} ${req.path} (wget on the host)`,
    timeoutMs: timeoutMs + 10_000,
    allowFailure: true,
    quiet: true,
  };
  if (req.body === undefined && req.method !== 'POST') return { ...common, script: `${shellJoin(argv)} ${url}` };
  return {
    ...common,
    script:
      `f=$(umask 077 && mktemp) || exit 1; trap 'rm -f "$f"' EXIT; cat > "$f" || exit 1; ` +
      `${shellJoin(argv)} --post-file="$f" ${url}`,
    stdin: req.body ?? '',
  };
}

export function parseWgetResult(hostName: string, what: string, r: ExecResult): HttpResponse {
  // -S prints each response head on stderr, lines indented; BusyBox reports error statuses in words.
  const lines = r.stderr.split(/\r?\n/);
  let last = -1;
  lines.forEach((l, i) => {
    if (/HTTP\/[\d.]+ \d{3}/.test(l)) last = i;
  });
  if (last < 0) {
    const kind = /timed out/i.test(r.stderr) ? 'timeout' : 'unreachable';
    throw new HttpRequestError(
      hostName,
      kind,
      `${what}: wget exit ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}`,
    );
  }
  const status = Number((/HTTP\/[\d.]+ (\d{3})/.exec(lines[last]) as RegExpExecArray)[1]);
  const headerLines: string[] = [];
  for (const l of lines.slice(last + 1)) {
    if (!/^\s+\S/.test(l)) break;
    headerLines.push(l);
  }
  return { status, headers: parseHeaderLines(headerLines), body: r.stdout };
}

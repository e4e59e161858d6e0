/**
 * The SSH executor: one verified connection per host (optionally through a jump host), reused for every
 * step, with per-command timeouts, exit codes that fail the step, per-host prefixed and masked logs, and
 * HTTP to New API through the connection.
 */
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { NodeSSH } from 'node-ssh';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, Client, ClientChannel, NextAuthHandler, ParsedKey } from 'ssh2';
import type { HostSpec } from '../settings.js';
import {
  fingerprintOf,
  hostKeyAlgorithms,
  hostKeyRefusal,
  normalizeFingerprint,
  parseKnownHosts,
  verifyHostKey,
  type HostKeyVerdict,
  type KnownHostEntry,
} from './hostkeys.js';
import {
  curlCommand,
  HTTP_TOOL_PROBE,
  HttpRequestError,
  parseCurlResult,
  parseTarget,
  parseWgetResult,
  requestOverStream,
  wgetCommand,
  type HttpTarget,
  type HttpTransport,
} from './http.js';
import { commandText } from './quote.js';
import {
  RemoteCommandError,
  type ExecResult,
  type Executor,
  type HttpRequest,
  type HttpResponse,
  type RemoteCommand,
} from './types.js';

export interface ConnectOptions {
  /** Default key for every host; a host's own `privateKey` wins. OpenSSH or PEM format. */
  privateKey?: string;
  passphrase?: string;
  password?: string;
  /** `ssh-known-hosts` text. */
  knownHosts: string;
  insecureSkipHostKeyCheck: boolean;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Receives every log line, already prefixed with `[host]` and masked. */
  log: (line: string) => void;
  warn: (line: string) => void;
  /** Masks secrets in every line logged and every error message (see secrets.ts). */
  mask?: (text: string) => string;
  /** Connection attempts before giving up (network failures only). Default 3. */
  connectAttempts?: number;
  /** Delay before the first retry, doubled after each. Default 2000. */
  retryDelayMs?: number;
  /** SSH keepalive interval. Default 15000; the connection is declared dead after 4 unanswered. */
  keepaliveIntervalMs?: number;
  /** Timeout of one HTTP request when the request names none. Default 30000. */
  httpTimeoutMs?: number;
}

export type ConnectFailure = 'auth' | 'host-key' | 'private-key' | 'forwarding' | 'network';

/** Connection setup failed. Only `network` failures are retried; the others are final. */
export class SshConnectError extends Error {
  constructor(
    readonly hostName: string,
    readonly kind: ConnectFailure,
    message: string,
  ) {
    super(`[${hostName}] ${message}`);
    this.name = 'SshConnectError';
  }
}

/** The connection dropped while a command ran: whether the command took effect on the host is unknown. */
export class ConnectionLostError extends Error {
  constructor(
    readonly hostName: string,
    message: string,
  ) {
    super(`[${hostName}] ${message}`);
    this.name = 'ConnectionLostError';
  }
}

export class CommandTimeoutError extends Error {
  constructor(
    readonly hostName: string,
    readonly label: string,
    readonly timeoutMs: number,
  ) {
    super(`[${hostName}] ${label} timed out after ${seconds(timeoutMs)} and was stopped`);
    this.name = 'CommandTimeoutError';
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Hosts already warned about, so a reconnect or a second executor does not repeat the warning. */
const warnedInsecure = new Set<string>();

interface Hop {
  label: string;
  host: string;
  port: number;
  user: string;
  /** Pinned fingerprint (the target host only; a jump host is verified by known_hosts). */
  fingerprint?: string;
  sock?: NodeJS.ReadableStream & NodeJS.WritableStream;
}

interface Link {
  ssh: NodeSSH;
  client: Client;
  jump?: NodeSSH;
  alive: boolean;
  lastError?: Error;
  onLost: Set<() => void>;
}

const channelOpenReason = (e: unknown) => (e as { reason?: unknown }).reason;
const PROHIBITED = 1; // SSH_OPEN_ADMINISTRATIVELY_PROHIBITED
const CONNECT_FAILED = 2;

function normalizeKeyText(key: string): string {
  return key.replace(/\r\n?/g, '\n').trim() + '\n';
}

export class SshExecutor implements Executor {
  private readonly entries: KnownHostEntry[];
  private readonly key?: ParsedKey;
  private readonly password?: string;
  private readonly target: HttpTarget;
  private link?: Link;
  private linking?: Promise<Link>;
  private closed = false;
  private transport?: Promise<HttpTransport>;

  constructor(
    readonly host: HostSpec,
    private readonly opts: ConnectOptions,
  ) {
    const known = parseKnownHosts(opts.knownHosts);
    for (const p of known.problems) this.warn(`ssh-known-hosts ${p}`);
    this.entries = known.entries;
    this.password = opts.password || undefined;
    this.target = parseTarget(host.url);
    if (host.fingerprint !== undefined) {
      try {
        normalizeFingerprint(host.fingerprint);
      } catch (e) {
        throw new SshConnectError(host.name, 'host-key', (e as Error).message);
      }
    }
    const keyText = host.privateKey || opts.privateKey;
    if (keyText) {
      const source = host.privateKey ? "the host's ssh-private-key-env key" : 'ssh-private-key';
      const parsed = ssh2.utils.parseKey(normalizeKeyText(keyText), opts.passphrase || undefined);
      if (parsed instanceof Error) {
        const hint = /passphrase|decrypt|encrypted/i.test(parsed.message)
          ? opts.passphrase
            ? ' (is ssh-passphrase right?)'
            : ' (the key is encrypted: set ssh-passphrase)'
          : '';
        throw new SshConnectError(
          host.name,
          'private-key',
          `cannot read ${source}: ${this.mask(parsed.message)}${hint}`,
        );
      }
      this.key = Array.isArray(parsed) ? parsed[0] : parsed;
    }
  }

  /** Opens the connection (with retries); later calls reuse it, and reconnect once it was lost. */
  async open(): Promise<void> {
    await this.connection();
  }

  async run(cmd: RemoteCommand): Promise<ExecResult> {
    const text = commandText(cmd, this.host.sudo);
    text.split('\n').forEach((l, i) => this.log(`${i === 0 ? '$' : '>'} ${l}`));
    return this.exec(text, cmd, true);
  }

  async http(req: HttpRequest): Promise<HttpResponse> {
    const transport = await this.httpTransport();
    const timeoutMs = req.timeoutMs ?? this.opts.httpTimeoutMs ?? 30_000;
    const what = `${req.method} ${this.host.url}${req.path}`;
    if (transport === 'forward') {
      const link = await this.connection();
      let channel;
      try {
        channel = await link.ssh.forwardOut('127.0.0.1', 0, this.target.hostname, this.target.port);
      } catch (e) {
        if (!link.alive) throw this.lost('during an HTTP request');
        const kind = channelOpenReason(e) === CONNECT_FAILED ? 'unreachable' : 'protocol';
        throw new HttpRequestError(this.host.name, kind, `${what}: ${(e as Error).message.replace(/^\(SSH\) /, '')}`);
      }
      return requestOverStream(this.host.name, channel, this.target, req, timeoutMs);
    }
    const cmd =
      transport === 'curl'
        ? curlCommand(this.target, req, timeoutMs)
        : wgetCommand(this.target, req, timeoutMs, transport === 'gnu-wget');
    // Not logged line by line: readiness polls would flood the log, and bodies may carry tokens.
    const result = await this.exec(commandText(cmd, false), cmd, false);
    return transport === 'curl'
      ? parseCurlResult(this.host.name, what, result)
      : parseWgetResult(this.host.name, what, result);
  }

  /**
   * For preflight: whether HTTP can go through the SSH connection, or which tool on the host carries it
   * instead. Throws when the host's sshd forbids forwarding and the host has neither curl nor wget.
   */
  async probeForwarding(): Promise<{ transport: HttpTransport; note?: string }> {
    const transport = await this.httpTransport();
    if (transport === 'forward') return { transport };
    return {
      transport,
      note: `sshd on ${this.host.name} forbids TCP forwarding (AllowTcpForwarding); HTTP checks run ${transport.replace('gnu-', '')} on the host`,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const link = this.link;
    this.link = undefined;
    if (link) {
      link.ssh.dispose();
      link.jump?.dispose();
    }
  }

  private log(line: string): void {
    this.opts.log(this.mask(`[${this.host.name}] ${line}`));
  }

  private warn(line: string): void {
    this.opts.warn(this.mask(`[${this.host.name}] ${line}`));
  }

  private mask(text: string): string {
    return this.opts.mask ? this.opts.mask(text) : text;
  }

  private lost(doing: string): ConnectionLostError {
    const why = this.link?.lastError ? ` (${this.link.lastError.message})` : '';
    return new ConnectionLostError(
      this.host.name,
      this.mask(`the SSH connection to ${this.host.user}@${this.host.host}:${this.host.port} was lost ${doing}${why}`),
    );
  }

  private async httpTransport(): Promise<HttpTransport> {
    this.transport ??= this.detectTransport().catch((e: unknown) => {
      this.transport = undefined;
      throw e;
    });
    return this.transport;
  }

  private async detectTransport(): Promise<HttpTransport> {
    const link = await this.connection();
    try {
      const ch = await link.ssh.forwardOut('127.0.0.1', 0, this.target.hostname, this.target.port);
      ch.destroy();
      return 'forward';
    } catch (e) {
      const reason = channelOpenReason(e);
      // Refused or unreachable means forwarding itself works: New API is just not listening yet.
      if (reason !== PROHIBITED && typeof reason === 'number') return 'forward';
      if (!link.alive) throw this.lost('while probing TCP forwarding');
      if (reason !== PROHIBITED) throw e;
    }
    const tool = (await this.exec(HTTP_TOOL_PROBE.script as string, HTTP_TOOL_PROBE, false)).stdout.trim();
    if (tool !== 'curl' && tool !== 'gnu-wget' && tool !== 'wget') {
      throw new HttpRequestError(
        this.host.name,
        'unavailable',
        'sshd forbids TCP forwarding (AllowTcpForwarding no) and the host has neither curl nor wget: ' +
          'allow forwarding for this user or install curl, so the post-update checks can reach New API',
      );
    }
    this.warn(`sshd forbids TCP forwarding; HTTP checks run ${tool.replace('gnu-', '')} on the host`);
    if (tool !== 'curl') this.warn("wget puts request headers on its command line, visible in the host's process list");
    return tool;
  }

  private connection(): Promise<Link> {
    if (this.closed) return Promise.reject(new Error(`[${this.host.name}] the SSH connection was closed`));
    if (this.link?.alive) return Promise.resolve(this.link);
    if (!this.linking) {
      const reconnect = this.link !== undefined;
      this.linking = (async () => {
        if (reconnect) this.log('reconnecting: the previous SSH connection was lost');
        const link = await this.establish();
        this.link = link;
        return link;
      })().finally(() => {
        this.linking = undefined;
      });
    }
    return this.linking;
  }

  private async establish(): Promise<Link> {
    const attempts = this.opts.connectAttempts ?? 3;
    let delay = this.opts.retryDelayMs ?? 2000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.establishOnce();
      } catch (e) {
        if (!(e instanceof SshConnectError) || e.kind !== 'network') throw e;
        if (attempt >= attempts) {
          throw new SshConnectError(
            this.host.name,
            'network',
            `${e.message.replace(/^\[[^\]]*\] /, '')} (gave up after ${attempts} attempts)`,
          );
        }
        this.warn(
          `connection attempt ${attempt}/${attempts} failed: ${e.message.replace(/^\[[^\]]*\] /, '')}; retrying in ${seconds(delay)}`,
        );
        await new Promise((r) => setTimeout(r, delay));
        delay *= 2;
      }
    }
  }

  private async establishOnce(): Promise<Link> {
    const h = this.host;
    let jump: NodeSSH | undefined;
    let sock: Hop['sock'];
    if (h.jump) {
      const j = h.jump;
      jump = await this.hop({
        label: `jump host ${j.user}@${j.host}:${j.port}`,
        host: j.host,
        port: j.port,
        user: j.user,
      });
      try {
        sock = await jump.forwardOut('127.0.0.1', 0, h.host, h.port);
      } catch (e) {
        jump.dispose();
        const forbidden = channelOpenReason(e) === PROHIBITED;
        throw new SshConnectError(
          h.name,
          forbidden ? 'forwarding' : 'network',
          `jump host ${j.host}:${j.port} could not open a connection to ${h.host}:${h.port}: ` +
            (e as Error).message.replace(/^\(SSH\) /, '') +
            (forbidden ? ' (the jump host forbids TCP forwarding: AllowTcpForwarding)' : ''),
        );
      }
    }
    let ssh: NodeSSH;
    try {
      ssh = await this.hop({
        label: `${h.user}@${h.host}:${h.port}${h.jump ? ` via ${h.jump.host}` : ''}`,
        host: h.host,
        port: h.port,
        user: h.user,
        fingerprint: h.fingerprint,
        sock,
      });
    } catch (e) {
      jump?.dispose();
      throw e;
    }
    const client = ssh.connection as Client;
    client.setNoDelay(true);
    const link: Link = { ssh, client, jump, alive: true, onLost: new Set() };
    const onGone = () => {
      if (!link.alive) return;
      link.alive = false;
      for (const f of [...link.onLost]) f();
      jump?.dispose();
    };
    client.on('error', (e: Error) => {
      link.lastError = e;
    });
    client.on('close', onGone);
    client.on('end', onGone);
    jump?.connection?.on('error', (e: Error) => {
      link.lastError = e;
    });
    return link;
  }

  /** One verified, authenticated SSH connection. */
  private async hop(hop: Hop): Promise<NodeSSH> {
    const name = this.host.name;
    let verdict: HostKeyVerdict | undefined;
    let refused = false;
    const auth = new AuthAttempts(hop.user, this.key, this.password);
    const ssh = new NodeSSH();
    try {
      await ssh.connect({
        host: hop.sock ? undefined : hop.host,
        port: hop.port,
        sock: hop.sock as never,
        username: hop.user,
        readyTimeout: this.opts.connectTimeoutMs,
        keepaliveInterval: this.opts.keepaliveIntervalMs ?? 15_000,
        keepaliveCountMax: 4,
        algorithms: { serverHostKey: hostKeyAlgorithms(hop.host, hop.port, this.entries) as never },
        hostVerifier: (key: Buffer) => {
          verdict = verifyHostKey(hop.host, hop.port, key, this.entries, hop.fingerprint);
          if (verdict.status === 'ok') return true;
          if (verdict.status === 'unknown' && this.opts.insecureSkipHostKeyCheck) {
            const k = `${hop.host}:${hop.port}`;
            if (!warnedInsecure.has(k)) {
              warnedInsecure.add(k);
              this.warn(
                `INSECURE: the host key of ${hop.label} was NOT verified (ssh-insecure-skip-host-key-check: true). ` +
                  `It offered ${verdict.keyType} key ${verdict.fingerprint}; anyone between the runner and the host ` +
                  `could impersonate it. Add the host's key to ssh-known-hosts to verify it.`,
              );
            }
            return true;
          }
          refused = true;
          return false;
        },
        authHandler: auth.handler,
      });
    } catch (e) {
      ssh.dispose();
      const err = e as Error & { level?: string };
      if (refused && verdict && verdict.status !== 'ok') {
        throw new SshConnectError(name, 'host-key', hostKeyRefusal(name, hop.host, hop.port, verdict));
      }
      if (err.level === 'client-authentication') {
        throw new SshConnectError(name, 'auth', this.mask(auth.failure(hop.label)));
      }
      const why =
        err.level === 'client-timeout' ? `no SSH handshake within ${seconds(this.opts.connectTimeoutMs)}` : err.message;
      throw new SshConnectError(name, 'network', this.mask(`cannot connect to ${hop.label}: ${why}`));
    }
    return ssh;
  }

  private async exec(text: string, cmd: RemoteCommand, echo: boolean): Promise<ExecResult> {
    const link = await this.connection();
    const outcome = await this.execOn(link, text, cmd, echo);
    if ('result' in outcome) return outcome.result;
    await this.stopRemote(link, outcome.pid, cmd);
    throw new CommandTimeoutError(this.host.name, cmd.label, cmd.timeoutMs ?? this.opts.commandTimeoutMs);
  }

  /**
   * Stops a timed-out command with everything it started. sshd makes each command's shell a session
   * and process group leader, so signalling the group reaches its children too (a signal over the
   * channel would reach the shell alone).
   */
  private async stopRemote(link: Link, pid: number | undefined, cmd: RemoteCommand): Promise<void> {
    if (!pid || !link.alive) return;
    const g = `-${pid}`;
    const script =
      `kill -TERM ${g} 2>/dev/null || exit 0; ` +
      `for i in 1 2 3 4 5; do sleep 1; kill -0 ${g} 2>/dev/null || exit 0; done; kill -KILL ${g} 2>/dev/null; exit 0`;
    const stop: RemoteCommand = {
      label: 'stop the timed-out command',
      script,
      privileged: cmd.privileged,
      allowFailure: true,
      timeoutMs: 15_000,
    };
    try {
      await this.execOn(link, commandText(stop, this.host.sudo), stop, false);
    } catch (e) {
      this.warn(`could not stop the timed-out command's processes: ${(e as Error).message}`);
    }
  }

  private execOn(
    link: Link,
    text: string,
    cmd: RemoteCommand,
    echo: boolean,
  ): Promise<{ result: ExecResult } | { timedOut: true; pid?: number }> {
    const name = this.host.name;
    const timeoutMs = cmd.timeoutMs ?? this.opts.commandTimeoutMs;
    // The shell reports its pid first on stderr (stripped again below), so a timeout can stop its group.
    const marker = `nau-pid-${randomBytes(4).toString('hex')}:`;
    return new Promise((resolve, reject) => {
      const started = Date.now();
      let settled = false;
      let channel: ClientChannel | undefined;
      const errOut = new OutputStream(echo ? (l) => this.log(l) : undefined, marker);
      const finish = (err: Error | undefined, res?: { result: ExecResult } | { timedOut: true; pid?: number }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        link.onLost.delete(onLost);
        if (err) reject(err);
        else resolve(res as { result: ExecResult });
      };
      const onLost = () =>
        finish(
          this.lost(
            `while running "${cmd.label}", after ${seconds(Date.now() - started)}; whether it took effect on the host is unknown`,
          ),
        );
      link.onLost.add(onLost);
      const timer = setTimeout(() => {
        try {
          channel?.close();
        } catch {
          // already closed
        }
        finish(undefined, { timedOut: true, pid: errOut.pid });
      }, timeoutMs);

      link.client.exec(`echo ${marker}$$ >&2; ${text}`, (err, ch) => {
        if (err) {
          if (!link.alive) return onLost();
          return finish(new Error(this.mask(`[${name}] could not start ${cmd.label}: ${err.message}`)));
        }
        if (settled) {
          ch.close();
          return;
        }
        channel = ch;
        const out = new OutputStream(echo && !cmd.quiet ? (l) => this.log(l) : undefined);
        let exit: { code: number | null; signal?: string } | undefined;
        ch.on('data', (c: Buffer) => out.push(c));
        ch.stderr.on('data', (c: Buffer) => errOut.push(c));
        ch.on('exit', (code: number | null, signal?: string) => {
          exit = { code, signal };
        });
        ch.on('close', () => {
          // Let the connection's own close event land first: a channel closed by a dying connection
          // must be reported as the lost connection, not as a command failure.
          setImmediate(() => {
            if (settled) return;
            if (!exit && !link.alive) return onLost();
            const stdout = out.end();
            let stderr = errOut.end();
            let code = exit?.code ?? 255;
            const note = (s: string) => `${stderr && !stderr.endsWith('\n') ? '\n' : ''}(${s})\n`;
            if (exit?.signal) {
              stderr += note(`terminated by signal ${exit.signal}`);
              code = 128 + (SIGNALS[exit.signal] ?? 0);
            } else if (!exit) {
              stderr += note('the command ended without an exit status');
            }
            const result: ExecResult = { code, stdout, stderr, durationMs: Date.now() - started };
            if (code !== 0 && !cmd.allowFailure) {
              const shown = { ...result, stdout: this.mask(stdout), stderr: this.mask(stderr) };
              return finish(new RemoteCommandError(name, cmd.label, shown));
            }
            finish(undefined, { result });
          });
        });
        ch.end(cmd.stdin ?? '');
      });
    });
  }
}

const SIGNALS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ABRT: 6,
  KILL: 9,
  SEGV: 11,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
};

/**
 * Collects a stream's output and hands complete lines to `echo` as they arrive. With a `marker`, a
 * first line `<marker><pid>` is taken out of the stream and its pid kept.
 */
class OutputStream {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  private partial = '';
  private head?: string;
  pid?: number;

  constructor(
    private readonly echo?: (line: string) => void,
    private readonly marker?: string,
  ) {
    if (marker) this.head = '';
  }

  push(chunk: Buffer): void {
    this.add(this.strip(this.decoder.write(chunk)));
  }

  end(): string {
    const s = this.strip(this.decoder.end());
    this.add(this.head ?? '');
    this.head = undefined;
    this.add(s);
    if (this.echo && this.partial) this.echo(this.partial);
    this.partial = '';
    return this.text;
  }

  private strip(s: string): string {
    if (this.head === undefined || !this.marker) return s;
    this.head += s;
    const nl = this.head.indexOf('\n');
    if (nl < 0) return '';
    const first = this.head.slice(0, nl);
    const rest = this.head.slice(nl + 1);
    this.head = undefined;
    if (!first.startsWith(this.marker)) return `${first}\n${rest}`;
    this.pid = Number(first.slice(this.marker.length)) || undefined;
    return rest;
  }

  private add(s: string): void {
    this.text += s;
    if (!this.echo) return;
    const lines = (this.partial + s).split('\n');
    this.partial = lines.pop() as string;
    for (const l of lines) this.echo(l.replace(/\r$/, ''));
  }
}

/**
 * Chooses authentication methods in OpenSSH's order (key, then password, then keyboard-interactive
 * answered with the password) among those the server accepts, and remembers what was tried so a
 * failure can say so.
 */
class AuthAttempts {
  private readonly tried: string[] = [];
  private readonly skipped: string[] = [];
  private serverMethods?: AuthenticationType[];
  private readonly queue: AnyAuthMethod[] = [];
  private first = true;

  constructor(
    private readonly user: string,
    private readonly key?: ParsedKey,
    password?: string,
  ) {
    if (key) this.queue.push({ type: 'publickey', username: user, key });
    if (password) {
      this.queue.push({ type: 'password', username: user, password });
      this.queue.push({
        type: 'keyboard-interactive',
        username: user,
        prompt: (_n, _i, _l, prompts, finish) =>
          finish(prompts.map((p) => (/password/i.test(p.prompt) ? password : ''))),
      });
    }
  }

  readonly handler = (
    methodsLeft: AuthenticationType[] | null,
    _partial: boolean | null,
    next: NextAuthHandler,
  ): void => {
    // `none` first: it costs nothing and tells which methods the server accepts.
    if (this.first) {
      this.first = false;
      return next({ type: 'none', username: this.user });
    }
    if (methodsLeft) this.serverMethods = methodsLeft;
    for (let m = this.queue.shift(); m; m = this.queue.shift()) {
      if (this.serverMethods && !this.serverMethods.includes(m.type)) {
        if (m.type !== 'keyboard-interactive') this.skipped.push(m.type);
        continue;
      }
      // keyboard-interactive only carries the password to servers that do not take it as `password`.
      if (m.type === 'keyboard-interactive' && this.tried.includes('password')) continue;
      this.tried.push(m.type);
      return next(m);
    }
    next(false as never);
  };

  failure(where: string): string {
    const accepts = `the server accepts: ${this.serverMethods?.join(', ') ?? 'unknown'}`;
    if (this.tried.length === 0 && this.skipped.length === 0) {
      return (
        `authentication to ${where} failed: no credentials were given (set ssh-private-key, ` +
        `the host's ssh-private-key-env, or ssh-password); ${accepts}`
      );
    }
    const describe = (t: string) =>
      t === 'publickey' && this.key ? `publickey (${this.key.type} key ${fingerprintOf(this.key.getPublicSSH())})` : t;
    const parts = [];
    if (this.tried.length) parts.push(`tried ${this.tried.map(describe).join(', ')}`);
    if (this.skipped.length)
      parts.push(`did not try ${this.skipped.map(describe).join(', ')} (not accepted by the server)`);
    return `authentication to ${where} failed for user "${this.user}": ${parts.join('; ')}; ${accepts}`;
  }
}

/** Connects to one host; the executor keeps that connection for every later step. */
export async function connect(host: HostSpec, opts: ConnectOptions): Promise<SshExecutor> {
  const exec = new SshExecutor(host, opts);
  await exec.open();
  return exec;
}

/**
 * The narrow I/O interface between remote steps (pure functions returning commands, Kamal-style)
 * and the one executor that runs them over SSH. Tests may implement `Executor` with a fake;
 * integration tests use the real SSH one.
 */
import type { HostSpec } from '../settings.js';

/** One remote step. Pure data: building it touches nothing. */
export interface RemoteCommand {
  /** Short human description for logs, dry runs and the report ("pull image 1.2.3"). */
  label: string;
  /**
   * Argument list, quoted by `quote.ts` — the ONLY way user or remote values reach a shell.
   * Exactly one of argv / script is set.
   */
  argv?: string[];
  /**
   * Shell text. Only for fixed templates whose variable parts were inserted with `shq()`/`shellJoin()`,
   * or for the user's own command keys (pre-update, restart, build, logs), which are shell text by design.
   */
  script?: string;
  /** Run through `sudo -n` when the host has `sudo: true`. */
  privileged?: boolean;
  /** Sent on stdin (passwords, env files); never logged. */
  stdin?: string;
  /** Overrides the command-timeout input for this command. */
  timeoutMs?: number;
  /** Non-zero exit is returned, not thrown. */
  allowFailure?: boolean;
  /** Do not echo stdout into the log (large JSON, secrets). */
  quiet?: boolean;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path on the host's New API, e.g. `/api/status`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** One connected host. One SSH connection, reused for every step. */
export interface Executor {
  readonly host: HostSpec;
  /** Runs one command; throws RemoteCommandError on non-zero exit unless allowFailure. */
  run(cmd: RemoteCommand): Promise<ExecResult>;
  /** HTTP to the host's `url` through the SSH connection (forwardOut), or curl/wget on the host. */
  http(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export class RemoteCommandError extends Error {
  constructor(
    readonly hostName: string,
    readonly label: string,
    readonly result: ExecResult,
  ) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    super(`[${hostName}] ${label} failed with exit code ${result.code}${tail ? `: ${tail}` : ''}`);
    this.name = 'RemoteCommandError';
  }
}

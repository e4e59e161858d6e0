/**
 * A small New API client for the post-update checks. Every request goes through `Executor.http`, i.e. the
 * SSH connection to the host, to the host's own `url`.
 *
 * It speaks both generations of New API: errors as HTTP 200 + `success:false` (old) or 401/403 with a `code`
 * (new); password login with a `session` cookie (old) or a bearer `access_token` + `new_api_refresh` cookie
 * (new); channel lists as a bare array with 0-based `p` (before v0.8.5.2) or `{items,total,page,page_size}`.
 *
 * Deliberately absent: `GET /api/user/token` (it REGENERATES the user's access token, breaking their secret).
 */
import type { Settings } from '../settings.js';
import type { Executor, HttpRequest, HttpResponse } from '../ssh/types.js';

/** The check could not be performed (2FA, rate limit): reported as skipped, never as a broken release. */
export class CouldNotCheck extends Error {
  constructor(readonly reason: string) {
    super(`could not check: ${reason}`);
    this.name = 'CouldNotCheck';
  }
}

/** New API answered with an error (either shape). */
export class ApiError extends Error {
  constructor(
    readonly path: string,
    readonly httpStatus: number,
    readonly apiMessage: string,
    readonly code?: string,
  ) {
    super(`${path}: HTTP ${httpStatus}${code ? ` ${code}` : ''}${apiMessage ? `: ${apiMessage}` : ''}`);
    this.name = 'ApiError';
  }
}

/** The credentials were rejected (wrong password, revoked token, not an admin). */
export class AuthError extends ApiError {
  constructor(path: string, httpStatus: number, apiMessage: string, code?: string) {
    super(path, httpStatus, apiMessage, code);
    this.name = 'AuthError';
  }
}

export interface StatusInfo {
  success: boolean;
  /** `data.version`, falling back to the `X-New-Api-Version` header. */
  version?: string;
  /** `X-New-Api-Version` response header (since ~v0.10.7). */
  headerVersion?: string;
  startTime?: number;
  /** `data.setup`: false means the process sees an empty database. */
  setup?: boolean;
  message: string;
}

export interface AdminUser {
  id: number;
  username: string;
  role: number;
}

export interface Channel {
  id: number;
  name: string;
  /** 1 enabled, 2 manually disabled, 3 auto-disabled. */
  status: number;
}

export interface ChannelTest {
  ok: boolean;
  message: string;
  /** Seconds the upstream call took, when reported. */
  time?: number;
}

export interface AdminCredentials {
  accessToken?: string;
  userId?: string;
  username?: string;
  password?: string;
}

export const ROLE_ADMIN = 10;
export const ROLE_ROOT = 100;

const RATE_LIMIT_MESSAGE = /rate.?limit|too many requests|过于频繁|请求频率/i;
const CHANNEL_PAGE_SIZE = 100;
/** A bound on pagination in case a server ignores `p` and keeps answering with new ids. */
const MAX_CHANNEL_PAGES = 1000;
const DEFAULT_TIMEOUT_MS = 10_000;

type Session =
  /** Old scheme: `session` cookie plus New-Api-User. */
  | { kind: 'cookie'; cookie: string; userId: string; startTime?: number }
  /** New scheme: 15-minute bearer JWT plus New-Api-User; the refresh cookie rides along. */
  | { kind: 'bearer'; token: string; userId: string; refreshCookie?: string; startTime?: number };

interface Envelope {
  success?: boolean;
  message?: string;
  code?: string;
  data?: unknown;
}

export class NewApiClient {
  private session?: Session;
  /** start_time of the process last seen answering /api/status. */
  private lastStartTime?: number;

  constructor(
    private readonly exec: Executor,
    private readonly creds: AdminCredentials,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  hasAdminCredentials(): boolean {
    return Boolean(this.creds.accessToken || (this.creds.username && this.creds.password));
  }

  /** start_time of the process that last answered /api/status. */
  lastSeenStartTime(): number | undefined {
    return this.lastStartTime;
  }

  /** How admin calls authenticate, for report lines. */
  authMethod(): 'access token' | 'password login' | 'none' {
    if (this.creds.accessToken) return 'access token';
    return this.hasAdminCredentials() ? 'password login' : 'none';
  }

  /**
   * `GET /api/status` (public). Throws CouldNotCheck when rate limited, ApiError when the answer is not New
   * API's JSON (a proxy page, a redirect), and the transport's error when nothing listens.
   */
  async status(timeoutMs?: number): Promise<StatusInfo> {
    const res = await this.request({ method: 'GET', path: '/api/status', timeoutMs });
    this.throwIfRateLimited('/api/status', res);
    const env = parseEnvelope('/api/status', res);
    const data = isObject(env.data) ? env.data : {};
    const headerVersion = header(res, 'x-new-api-version');
    const info: StatusInfo = {
      success: env.success === true,
      version: typeof data.version === 'string' && data.version ? data.version : headerVersion,
      headerVersion,
      startTime: typeof data.start_time === 'number' ? data.start_time : undefined,
      setup: typeof data.setup === 'boolean' ? data.setup : undefined,
      message: env.message ?? '',
    };
    if (info.startTime !== undefined) {
      // A restart invalidates sessions whose secret was random: log in afresh against the new process.
      if (this.session && this.session.startTime !== undefined && this.session.startTime !== info.startTime) {
        this.session = undefined;
      }
      this.lastStartTime = info.startTime;
    }
    return info;
  }

  /**
   * Makes sure admin calls are authenticated. With an access token there is nothing to do; with a password,
   * logs in unless a session for the current process exists (`fresh` forces a new login).
   */
  async authenticate(fresh = false): Promise<boolean> {
    if (this.creds.accessToken) return false;
    if (!this.creds.username || !this.creds.password) throw new CouldNotCheck('no admin credentials');
    if (this.session && !fresh) return false;
    this.session = undefined;
    const path = '/api/user/login';
    const res = await this.request({
      method: 'POST',
      path,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: this.creds.username, password: this.creds.password }),
    });
    this.throwIfRateLimited(path, res);
    const env = parseEnvelope(path, res);
    throwIfFailed(path, res, env);
    const data = isObject(env.data) ? env.data : {};
    if (data.require_2fa === true) throw new CouldNotCheck('2FA is enabled for this admin account');
    const user = isObject(data.user) ? data.user : data;
    const userId = user.id !== undefined ? String(user.id) : this.creds.userId;
    if (!userId) throw new ApiError(path, res.status, 'login answered without a user id');
    if (typeof data.access_token === 'string' && data.access_token) {
      this.session = {
        kind: 'bearer',
        token: data.access_token,
        userId,
        refreshCookie: cookie(res, 'new_api_refresh'),
        startTime: this.lastStartTime,
      };
      return true;
    }
    const session = cookie(res, 'session');
    if (!session) throw new ApiError(path, res.status, 'login succeeded but set neither access_token nor session');
    this.session = { kind: 'cookie', cookie: session, userId, startTime: this.lastStartTime };
    return true;
  }

  /** `GET /api/user/self`: who the admin credentials belong to. */
  async self(): Promise<AdminUser> {
    const data = await this.admin('/api/user/self');
    if (!isObject(data) || typeof data.role !== 'number') {
      throw new ApiError('/api/user/self', 200, 'answer has no role');
    }
    return { id: Number(data.id), username: String(data.username ?? ''), role: data.role };
  }

  /**
   * `GET /api/status/test` (admin): also pings the database. Returns 'ok', 'db-unreachable' (503) or
   * 'unsupported' (an old version without the endpoint).
   */
  async statusTest(): Promise<{ result: 'ok' | 'db-unreachable' | 'unsupported'; message: string }> {
    const path = '/api/status/test';
    const res = await this.adminRequest(path);
    if (res.status === 404) return { result: 'unsupported', message: 'endpoint not found' };
    const env = parseEnvelope(path, res, true);
    if (res.status === 503) return { result: 'db-unreachable', message: env.message ?? '' };
    throwIfFailed(path, res, env);
    return { result: 'ok', message: env.message ?? '' };
  }

  /** Every channel, whichever list shape and page numbering the version uses. */
  async channels(): Promise<Channel[]> {
    const first = await this.admin(channelPage(1));
    if (Array.isArray(first)) return this.legacyChannels(first);
    if (!isObject(first) || !Array.isArray(first.items)) {
      throw new ApiError('/api/channel/', 200, 'unrecognised channel list shape');
    }
    const total = typeof first.total === 'number' ? first.total : undefined;
    const pageSize = typeof first.page_size === 'number' ? first.page_size : CHANNEL_PAGE_SIZE;
    const seen = new Map<number, Channel>();
    let items: unknown[] = first.items;
    for (let p = 1; p < MAX_CHANNEL_PAGES; p++) {
      if (!addPage(seen, items)) break;
      if (total !== undefined ? seen.size >= total : items.length < pageSize) break;
      const next = await this.admin(channelPage(p + 1));
      items = isObject(next) && Array.isArray(next.items) ? next.items : [];
    }
    return [...seen.values()];
  }

  /** `GET /api/channel/test/:id`: a REAL, PAID upstream call. Only with the user's opt-in (test-channels). */
  async testChannel(id: number): Promise<ChannelTest> {
    const path = `/api/channel/test/${id}`;
    const res = await this.adminRequest(path, 60_000);
    const env = parseEnvelope(path, res, true) as Envelope & { time?: unknown };
    if (isAuthFailure(res, env)) throw new AuthError(path, res.status, env.message ?? '', env.code);
    return {
      ok: res.status === 200 && env.success === true,
      message: env.message ?? snippet(res.body),
      time: typeof env.time === 'number' ? env.time : undefined,
    };
  }

  /** `GET /v1/models` with a user's API key: the ids of the models it may use. */
  async models(apiKey: string): Promise<string[]> {
    const path = '/v1/models';
    const res = await this.request({ method: 'GET', path, headers: { Authorization: `Bearer ${apiKey}` } });
    this.throwIfRateLimited(path, res);
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      throw new ApiError(path, res.status, `not JSON: ${snippet(res.body)}`);
    }
    if (res.status === 401 || res.status === 403) throw new AuthError(path, res.status, openAiMessage(body));
    if (res.status !== 200 || !isObject(body) || !Array.isArray(body.data)) {
      throw new ApiError(path, res.status, openAiMessage(body) || snippet(res.body));
    }
    return body.data.map((m) => (isObject(m) && typeof m.id === 'string' ? m.id : String(m)));
  }

  private async legacyChannels(pageOne: unknown[]): Promise<Channel[]> {
    // Before v0.8.5.2 `p` was 0-based: what came back for p=1 was the second page. Start again at 0.
    const seen = new Map<number, Channel>();
    for (let p = 0; p < MAX_CHANNEL_PAGES; p++) {
      const items = p === 1 ? pageOne : await this.admin(channelPage(p));
      // Some old versions ignore page_size (10 a page) or even `p`: stop at the first page with nothing new.
      if (!Array.isArray(items) || !addPage(seen, items)) break;
    }
    return [...seen.values()];
  }

  /** GET an admin endpoint; returns `data`. Logs in again once when a password session has expired. */
  private async admin(path: string): Promise<unknown> {
    const res = await this.adminRequest(path);
    const env = parseEnvelope(path, res);
    throwIfFailed(path, res, env);
    return env.data;
  }

  private async adminRequest(path: string, timeoutMs?: number): Promise<HttpResponse> {
    const loggedInNow = await this.authenticate();
    let res = await this.request({ method: 'GET', path, headers: this.authHeaders(), timeoutMs });
    this.throwIfRateLimited(path, res);
    // A password session may have expired (15-minute JWT) or died with the old process: log in once more.
    if (this.session && !loggedInNow && isAuthFailure(res, parseEnvelope(path, res, true))) {
      await this.authenticate(true);
      res = await this.request({ method: 'GET', path, headers: this.authHeaders(), timeoutMs });
      this.throwIfRateLimited(path, res);
    }
    return res;
  }

  private authHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.creds.accessToken) {
      headers.Authorization = `Bearer ${this.creds.accessToken}`;
      if (this.creds.userId) headers['New-Api-User'] = this.creds.userId;
      return headers;
    }
    const s = this.session;
    if (!s) return headers;
    headers['New-Api-User'] = s.userId;
    if (s.kind === 'cookie') {
      headers.Cookie = `session=${s.cookie}`;
    } else {
      headers.Authorization = `Bearer ${s.token}`;
      if (s.refreshCookie) headers.Cookie = `new_api_refresh=${s.refreshCookie}`;
    }
    return headers;
  }

  private request(req: HttpRequest): Promise<HttpResponse> {
    return this.exec.http({ ...req, timeoutMs: req.timeoutMs ?? this.timeoutMs });
  }

  private throwIfRateLimited(path: string, res: HttpResponse): void {
    if (res.status === 429) throw new CouldNotCheck(`rate limited (HTTP 429 on ${path})`);
    const env = parseEnvelope(path, res, true);
    if (env.success === false && env.message && RATE_LIMIT_MESSAGE.test(env.message)) {
      throw new CouldNotCheck(`rate limited (${env.message})`);
    }
  }
}

/** One client per connection and settings, so a password session is reused by the baseline and every check. */
const clients = new WeakMap<Executor, WeakMap<Settings, NewApiClient>>();

export function apiClient(exec: Executor, settings: Settings): NewApiClient {
  let bySettings = clients.get(exec);
  if (!bySettings) clients.set(exec, (bySettings = new WeakMap()));
  let client = bySettings.get(settings);
  if (!client) {
    client = new NewApiClient(exec, {
      accessToken: settings.adminAccessToken,
      userId: settings.adminUserId,
      username: settings.adminUsername,
      password: settings.adminPassword,
    });
    bySettings.set(settings, client);
  }
  return client;
}

function channelPage(p: number): string {
  return `/api/channel/?p=${p}&page_size=${CHANNEL_PAGE_SIZE}`;
}

/** Adds one page of channels; false when the page brought no channel not seen before. */
function addPage(seen: Map<number, Channel>, items: unknown[]): boolean {
  const before = seen.size;
  for (const raw of items) {
    if (!isObject(raw) || typeof raw.id !== 'number') continue;
    seen.set(raw.id, { id: raw.id, name: String(raw.name ?? ''), status: Number(raw.status) });
  }
  return seen.size > before;
}

/**
 * Reads the `{success,message,data}` envelope. `lenient` returns an empty envelope for a non-JSON body
 * instead of throwing (used where the status code alone decides).
 */
function parseEnvelope(path: string, res: HttpResponse, lenient = false): Envelope {
  try {
    const body: unknown = JSON.parse(res.body);
    if (isObject(body)) return body as Envelope;
  } catch {
    // fall through
  }
  if (lenient) return {};
  throw new ApiError(path, res.status, `not a New API answer: ${snippet(res.body)}`);
}

function isAuthFailure(res: HttpResponse, env: Envelope): boolean {
  if (res.status === 401 || res.status === 403) return true;
  // Old versions: HTTP 200 + success:false with a "not logged in / no permission" message.
  return (
    res.status === 200 &&
    env.success === false &&
    /未登录|无权|权限|封禁|access.?token|new-api-user|unauthori[sz]ed|not logged|permission|forbidden|用户名或密码|password/i.test(
      env.message ?? '',
    )
  );
}

function throwIfFailed(path: string, res: HttpResponse, env: Envelope): void {
  if (isAuthFailure(res, env)) throw new AuthError(path, res.status, env.message ?? '', env.code);
  if (res.status !== 200 || env.success !== true) {
    throw new ApiError(path, res.status, env.message ?? snippet(res.body), env.code);
  }
}

function header(res: HttpResponse, name: string): string | undefined {
  for (const [k, v] of Object.entries(res.headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

function cookie(res: HttpResponse, name: string): string | undefined {
  for (const [k, v] of Object.entries(res.headers)) {
    if (k.toLowerCase() !== 'set-cookie') continue;
    for (const line of Array.isArray(v) ? v : [v]) {
      const m = new RegExp(`(?:^|[;,]\\s*)${name}=([^;]*)`).exec(line);
      if (m && m[1]) return m[1];
    }
  }
  return undefined;
}

function openAiMessage(body: unknown): string {
  if (!isObject(body)) return '';
  if (isObject(body.error) && typeof body.error.message === 'string') return body.error.message;
  return typeof body.message === 'string' ? body.message : '';
}

function snippet(body: string): string {
  const s = body.replace(/\s+/g, ' ').trim();
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Test doubles for the checks: a fake New API (both auth schemes, both channel list shapes, 2FA, rate
 * limits) behind a fake Executor, a deterministic clock, and settings/context builders.
 */
import { hostSpec } from '../support/host.js';
import type { Baseline, CheckContext } from '../../src/checks/types.js';
import type { Clock } from '../../src/checks/readiness.js';
import type { NodeState, RuntimeState } from '../../src/methods/types.js';
import type { HostSpec, Settings } from '../../src/settings.js';
import type { ExecResult, Executor, HttpRequest, HttpResponse, RemoteCommand } from '../../src/ssh/types.js';

export const TOKEN = 'admintoken0000000000000000000001';
export const API_KEY = 'sk-apikey000000000000000000000000000000000000001';
export const PASSWORD = 'hunter2-pass';

export interface FakeChannel {
  id: number;
  name: string;
  status: number;
}

export interface FakeApiOptions {
  version: string;
  startTime: number;
  setup: boolean;
  /** old: errors as 200+success:false, session cookie; new: 401 with code, bearer access_token. */
  scheme: 'old' | 'new';
  /** paged: data:{items,total,page,page_size}, 1-based p; bare: data:[...], 0-based p. */
  channelShape: 'paged' | 'bare';
  /** Largest page the server hands out (New API caps at 100; very old versions used 10). */
  serverPageSize: number;
  /** bare shape only: a server that ignores p and always answers the first page. */
  ignoresPage: boolean;
  channels: FakeChannel[];
  role: number;
  twoFA: boolean;
  rejectAll: boolean;
  /** Paths answering 429. */
  rateLimited: string[];
  dbUp: boolean;
  models: string[];
  /** Fails a channel test for these ids. */
  failingChannelTests: number[];
  /** Status answers before this instant (clock ms) are connection errors (slow boot). */
  listensAt: number;
  headerVersion: boolean;
}

export class FakeNewApi {
  opts: FakeApiOptions;
  requests: HttpRequest[] = [];
  logins = 0;
  private sessionSeq = 0;
  private sessions = new Set<string>();

  constructor(
    opts: Partial<FakeApiOptions> = {},
    private readonly clock?: Clock,
  ) {
    this.opts = {
      version: 'v0.10.3',
      startTime: 2000,
      setup: true,
      scheme: 'new',
      channelShape: 'paged',
      serverPageSize: 100,
      ignoresPage: false,
      channels: [
        { id: 1, name: 'openai-main', status: 1 },
        { id: 2, name: 'claude', status: 1 },
        { id: 3, name: 'gemini', status: 1 },
        { id: 4, name: 'old-azure', status: 2 },
      ],
      role: 100,
      twoFA: false,
      rejectAll: false,
      rateLimited: [],
      dbUp: true,
      models: ['gpt-4o', 'claude-3-5-sonnet'],
      failingChannelTests: [],
      listensAt: 0,
      headerVersion: true,
      ...opts,
    };
  }

  /** Simulates a restart: sessions die with the process, unless they were signed with a fixed secret. */
  restart(startTime: number, changes: Partial<FakeApiOptions> = {}): void {
    this.opts = { ...this.opts, ...changes, startTime };
    this.sessions.clear();
  }

  paths(): string[] {
    return this.requests.map((r) => r.path);
  }

  handle(req: HttpRequest): HttpResponse {
    this.requests.push(req);
    const o = this.opts;
    const url = new URL(req.path, 'http://x');
    const path = url.pathname;
    if (path === '/api/user/token') throw new Error('GET /api/user/token regenerates the token: must never be called');
    if (this.clock && this.clock.now() < o.listensAt) throw new Error('connect ECONNREFUSED 127.0.0.1:3000');
    if (o.rateLimited.includes(path)) return { status: 429, headers: {}, body: '' };
    const headers: Record<string, string | string[]> = o.headerVersion ? { 'X-New-Api-Version': o.version } : {};

    if (path === '/api/status' && req.method === 'GET') {
      return json(
        200,
        {
          success: true,
          message: '',
          data: { version: o.version, start_time: o.startTime, setup: o.setup, chats: [] },
        },
        headers,
      );
    }
    if (path === '/api/user/login' && req.method === 'POST') return this.login(req, headers);
    if (path === '/v1/models') {
      if (req.headers?.Authorization !== `Bearer ${API_KEY}` || o.rejectAll) {
        return json(401, { error: { message: 'invalid token', type: 'new_api_error' } });
      }
      return json(200, { object: 'list', data: o.models.map((id) => ({ id, object: 'model' })) });
    }
    if (!this.authorized(req)) {
      return o.scheme === 'old'
        ? json(200, { success: false, message: '无权进行此操作，未登录且未提供 access token' })
        : json(401, { success: false, code: 'AUTH_UNAUTHORIZED', message: 'access token invalid' });
    }
    if (path === '/api/user/self') {
      return json(200, { success: true, message: '', data: { id: 1, username: 'root', role: o.role, status: 1 } });
    }
    if (o.role < 10) {
      return o.scheme === 'old'
        ? json(200, { success: false, message: '无权进行此操作，权限不足' })
        : json(403, { success: false, code: 'AUTH_INSUFFICIENT_PRIVILEGE', message: 'insufficient privilege' });
    }
    if (path === '/api/status/test') {
      return o.dbUp
        ? json(200, { success: true, message: '' })
        : json(503, { success: false, message: 'database down' });
    }
    if (path === '/api/channel/') return this.channelPage(url);
    const test = /^\/api\/channel\/test\/(\d+)$/.exec(path);
    if (test) {
      const ok = !o.failingChannelTests.includes(Number(test[1]));
      return json(200, { success: ok, message: ok ? '' : 'upstream said 401', time: 0.42 });
    }
    return json(404, { success: false, message: 'not found' });
  }

  private login(req: HttpRequest, headers: Record<string, string | string[]>): HttpResponse {
    this.logins++;
    const o = this.opts;
    const body = JSON.parse(req.body ?? '{}') as { username?: string; password?: string };
    if (o.rejectAll || body.username !== 'root' || body.password !== PASSWORD) {
      return json(200, { success: false, message: '用户名或密码错误，或用户已被封禁' });
    }
    if (o.twoFA) return json(200, { success: true, message: '请输入两步验证码', data: { require_2fa: true } });
    const sid = `s${++this.sessionSeq}`;
    this.sessions.add(sid);
    const user = { id: 1, username: 'root', role: o.role, status: 1 };
    if (o.scheme === 'old') {
      return json(
        200,
        { success: true, message: '', data: user },
        { ...headers, 'set-cookie': [`session=${sid}; Path=/; HttpOnly`] },
      );
    }
    return json(
      200,
      { success: true, message: '', data: { access_token: `jwt-${sid}`, token_type: 'Bearer', user } },
      { ...headers, 'set-cookie': [`new_api_refresh=r-${sid}; Path=/api/user/refresh; HttpOnly`] },
    );
  }

  private authorized(req: HttpRequest): boolean {
    const h = req.headers ?? {};
    if (this.opts.rejectAll) return false;
    if (h['New-Api-User'] !== '1') return false;
    if (h.Authorization === `Bearer ${TOKEN}`) return true;
    if (this.opts.scheme === 'old') {
      const sid = /session=([^;]+)/.exec(h.Cookie ?? '')?.[1];
      return sid !== undefined && this.sessions.has(sid);
    }
    const jwt = /^Bearer jwt-(.+)$/.exec(h.Authorization ?? '')?.[1];
    return jwt !== undefined && this.sessions.has(jwt);
  }

  private channelPage(url: URL): HttpResponse {
    const o = this.opts;
    const p = Number(url.searchParams.get('p') ?? (o.channelShape === 'paged' ? 1 : 0));
    const size = Math.min(Number(url.searchParams.get('page_size') ?? o.serverPageSize), o.serverPageSize);
    if (o.channelShape === 'bare') {
      const start = o.ignoresPage ? 0 : p * size;
      return json(200, { success: true, message: '', data: o.channels.slice(start, start + size) });
    }
    const page = Math.max(p, 1);
    const items = o.channels.slice((page - 1) * size, page * size);
    return json(200, { success: true, message: '', data: { items, total: o.channels.length, page, page_size: size } });
  }
}

export function json(status: number, body: unknown, headers: Record<string, string | string[]> = {}): HttpResponse {
  return { status, headers, body: JSON.stringify(body) };
}

export function makeHost(over: Partial<HostSpec> = {}): HostSpec {
  return hostSpec({ name: 'node1', host: '10.77.0.11', ...over });
}

export class FakeExec implements Executor {
  constructor(
    readonly api: FakeNewApi,
    readonly host: HostSpec = makeHost(),
  ) {}
  async run(cmd: RemoteCommand): Promise<ExecResult> {
    throw new Error(`unexpected remote command in a checks test: ${cmd.label}`);
  }
  async http(req: HttpRequest): Promise<HttpResponse> {
    return this.api.handle(req);
  }
  async close(): Promise<void> {}
}

export function makeSettings(over: Partial<Settings> = {}): Settings {
  return {
    version: 'v0.10.3',
    repository: { owner: 'QuantumNous', repo: 'new-api' },
    releasesApiUrl: 'https://api.github.com',
    image: 'calciumion/new-api',
    includePrereleases: false,
    hosts: [makeHost()],
    sshInsecureSkipHostKeyCheck: false,
    sshTimeoutSeconds: 20,
    commandTimeoutSeconds: 600,
    checks: 'auto',
    healthTimeoutSeconds: 120,
    logErrorPatterns: [/\[FATAL\]/, /panic:/],
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
    secrets: [],
    ...over,
  };
}

export const withToken = { adminAccessToken: TOKEN, adminUserId: '1' };
export const withPassword = { adminUsername: 'root', adminPassword: PASSWORD };

export interface CtxOptions {
  settings?: Partial<Settings>;
  host?: Partial<HostSpec>;
  target?: string;
  baseline?: Baseline;
  logs?: string | (() => string);
  runtime?: () => RuntimeState;
  state?: Partial<NodeState>;
}

export function makeCtx(api: FakeNewApi, o: CtxOptions = {}): CheckContext {
  const host = makeHost(o.host);
  const settings = makeSettings(o.settings);
  const logs = o.logs ?? '';
  return {
    exec: new FakeExec(api, host),
    host,
    settings,
    target: o.target ?? 'v0.10.3',
    baseline: o.baseline ?? { startTime: 1000, version: 'v0.10.2' },
    state: { host, method: 'docker', env: {}, database: 'sqlite', secrets: [], leftovers: [], ...o.state },
    startedAtUnix: 1999,
    logs: async () => (typeof logs === 'function' ? logs() : logs),
    runtime: async () =>
      o.runtime ? o.runtime() : { running: true, restarting: false, restartCount: 0, detail: 'running' },
  };
}

/**
 * A clock whose timers fire in order, each once every pending promise has settled (setImmediate), so
 * concurrent polling loops interleave as they would in real time, only instantly.
 */
export class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; seq: number; fire: () => void }[] = [];
  private seq = 0;
  private scheduled = false;

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const abort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer);
        resolve();
      };
      const timer = {
        at: this.t + ms,
        seq: this.seq++,
        fire: () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', abort, { once: true });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) return;
      this.t = Math.max(this.t, next.at);
      next.fire();
      if (this.timers.length > 0) this.schedule();
    });
  }
}

export const BOOT_LOG = [
  '[SYS] 2026/11/29 - 21:00:00 | SQLite database detected',
  '[SYS] 2026/11/29 - 21:00:00 | database migration started',
  '[SYS] 2026/11/29 - 21:00:01 | system is already initialized',
  'New API v0.10.3  ready in 812 ms',
  '[GIN] 2026/11/29 - 21:00:02 | 200 |  1.2ms | 127.0.0.1 | GET "/api/status"',
].join('\n');

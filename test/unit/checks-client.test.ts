import { AuthError, CouldNotCheck, NewApiClient } from '../../src/checks/newapi-client.js';
import { API_KEY, FakeExec, FakeNewApi, json, PASSWORD, TOKEN } from './checks-fixtures.js';

const password = { username: 'root', password: PASSWORD };
const token = { accessToken: TOKEN, userId: '1' };

function client(api: FakeNewApi, creds = {}): NewApiClient {
  return new NewApiClient(new FakeExec(api), creds);
}

describe('status', () => {
  test('reads version, start_time and setup from data, and the X-New-Api-Version header', async () => {
    const s = await client(new FakeNewApi({ version: 'v0.10.3', startTime: 1234, setup: true })).status();
    expect(s).toMatchObject({
      success: true,
      version: 'v0.10.3',
      headerVersion: 'v0.10.3',
      startTime: 1234,
      setup: true,
    });
  });

  test('old versions without the header still report data.version', async () => {
    const s = await client(new FakeNewApi({ version: 'v0.8.8.3', headerVersion: false })).status();
    expect(s.version).toBe('v0.8.8.3');
    expect(s.headerVersion).toBeUndefined();
  });

  test('HTTP 429 is "could not check: rate limited", not an error of the release', async () => {
    const api = new FakeNewApi({ rateLimited: ['/api/status'] });
    await expect(client(api).status()).rejects.toThrow(new CouldNotCheck('rate limited (HTTP 429 on /api/status)'));
  });

  test('a rate-limit message in a success:false answer counts as rate limited too', async () => {
    const exec = new FakeExec(new FakeNewApi());
    exec.http = async () => json(200, { success: false, message: '您的请求过于频繁，请稍后再试' });
    await expect(new NewApiClient(exec, {}).status()).rejects.toBeInstanceOf(CouldNotCheck);
  });

  test('an HTML page (a proxy error, a slave redirect) is reported, not parsed', async () => {
    const exec = new FakeExec(new FakeNewApi());
    exec.http = async () => ({ status: 502, headers: {}, body: '<html>Bad Gateway</html>' });
    await expect(new NewApiClient(exec, {}).status()).rejects.toThrow(/HTTP 502.*Bad Gateway/);
  });
});

describe('admin authentication', () => {
  test('an access token sends BOTH Authorization: Bearer and New-Api-User, and never logs in', async () => {
    const api = new FakeNewApi();
    const me = await client(api, token).self();
    expect(me).toEqual({ id: 1, username: 'root', role: 100 });
    expect(api.logins).toBe(0);
    expect(api.requests.at(-1)?.headers).toMatchObject({ Authorization: `Bearer ${TOKEN}`, 'New-Api-User': '1' });
  });

  test('old scheme: password login sets a session cookie; admin calls carry it and New-Api-User from data.id', async () => {
    const api = new FakeNewApi({ scheme: 'old' });
    const c = client(api, password);
    expect(await c.self()).toMatchObject({ role: 100 });
    const call = api.requests.at(-1)!;
    expect(call.headers?.Cookie).toMatch(/^session=s\d+$/);
    expect(call.headers?.['New-Api-User']).toBe('1');
  });

  test("new scheme: the login answer's access_token is the bearer, user id from data.user.id, refresh cookie kept", async () => {
    const api = new FakeNewApi({ scheme: 'new' });
    await client(api, password).self();
    const call = api.requests.at(-1)!;
    expect(call.headers?.Authorization).toMatch(/^Bearer jwt-s\d+$/);
    expect(call.headers?.['New-Api-User']).toBe('1');
    expect(call.headers?.Cookie).toMatch(/^new_api_refresh=r-s\d+$/);
  });

  test('one login serves every admin call of the same process', async () => {
    const api = new FakeNewApi({ scheme: 'old' });
    const c = client(api, password);
    await c.self();
    await c.channels();
    await c.statusTest();
    expect(api.logins).toBe(1);
  });

  test('a restart (new start_time) drops the session, so the next admin call logs in to the new process', async () => {
    const api = new FakeNewApi({ scheme: 'old', startTime: 1000 });
    const c = client(api, password);
    await c.status();
    await c.self();
    api.restart(2000);
    await c.status();
    await c.self();
    expect(api.logins).toBe(2);
  });

  test('an expired session is renewed by one more login, then the call is retried', async () => {
    const api = new FakeNewApi({ scheme: 'new' });
    const c = client(api, password);
    await c.self();
    api.restart(api.opts.startTime); // same process id, sessions gone (expired JWT)
    expect(await c.self()).toMatchObject({ role: 100 });
    expect(api.logins).toBe(2);
  });

  test('2FA is "could not check: 2FA", not a failed login', async () => {
    const api = new FakeNewApi({ twoFA: true });
    await expect(client(api, password).self()).rejects.toThrow(/could not check: 2FA/);
  });

  test('HTTP 429 on login is "could not check: rate limited"', async () => {
    const api = new FakeNewApi({ rateLimited: ['/api/user/login'] });
    const err = await client(api, password)
      .self()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CouldNotCheck);
    expect((err as Error).message).toMatch(/rate limited/);
  });

  test('old error shape: HTTP 200 + success:false is an AuthError with the message', async () => {
    const api = new FakeNewApi({ scheme: 'old', rejectAll: true });
    const err = await client(api, token)
      .self()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ httpStatus: 200, apiMessage: expect.stringContaining('无权进行此操作') });
  });

  test('new error shape: HTTP 401 with a code is an AuthError carrying the code', async () => {
    const api = new FakeNewApi({ scheme: 'new', rejectAll: true });
    const err = await client(api, token)
      .self()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ httpStatus: 401, code: 'AUTH_UNAUTHORIZED' });
  });

  test('a wrong password (200 + success:false on login) is an AuthError', async () => {
    const api = new FakeNewApi({ scheme: 'old' });
    const err = await client(api, { username: 'root', password: 'wrong' })
      .self()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(api.logins).toBe(1);
  });

  test('without admin credentials, admin calls are "could not check"', async () => {
    await expect(client(new FakeNewApi()).self()).rejects.toBeInstanceOf(CouldNotCheck);
  });
});

describe('channels', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `ch${i + 1}`, status: 1 }));

  test('paged shape {items,total,page,page_size}: 1-based p, paginated until total', async () => {
    const api = new FakeNewApi({ channelShape: 'paged', channels: many(250) });
    const list = await client(api, token).channels();
    expect(list.map((c) => c.id)).toEqual(many(250).map((c) => c.id));
    expect(api.paths()).toEqual([1, 2, 3].map((p) => `/api/channel/?p=${p}&page_size=100`));
  });

  test('paged shape with a server capping page_size below 100 still reads everything', async () => {
    const api = new FakeNewApi({ channelShape: 'paged', serverPageSize: 10, channels: many(25) });
    expect(await client(api, token).channels()).toHaveLength(25);
  });

  test('legacy bare array with 0-based p: restarts at p=0 and reads until an empty page', async () => {
    const api = new FakeNewApi({ channelShape: 'bare', serverPageSize: 10, channels: many(25) });
    const list = await client(api, token).channels();
    expect(list.map((c) => c.id).sort((a, b) => a - b)).toEqual(many(25).map((c) => c.id));
    const ps = api.paths().map((p) => Number(new URL(p, 'http://x').searchParams.get('p')));
    expect(ps).toEqual([1, 0, 2, 3]); // p=1 is detected as the second page and reused, not refetched
  });

  test('legacy bare array that fits one page', async () => {
    const api = new FakeNewApi({ channelShape: 'bare', channels: many(4) });
    expect(await client(api, token).channels()).toHaveLength(4);
  });

  test('a legacy server ignoring p does not loop forever', async () => {
    const api = new FakeNewApi({ channelShape: 'bare', serverPageSize: 10, ignoresPage: true, channels: many(25) });
    expect(await client(api, token).channels()).toHaveLength(10);
    expect(api.requests.length).toBeLessThanOrEqual(3);
  });

  test('no channels at all is an empty list, in both shapes', async () => {
    for (const channelShape of ['paged', 'bare'] as const) {
      expect(await client(new FakeNewApi({ channelShape, channels: [] }), token).channels()).toEqual([]);
    }
  });
});

describe('statusTest and models', () => {
  test('statusTest: 200 is ok, 503 means the database is unreachable', async () => {
    expect((await client(new FakeNewApi(), token).statusTest()).result).toBe('ok');
    expect((await client(new FakeNewApi({ dbUp: false }), token).statusTest()).result).toBe('db-unreachable');
  });

  test('models lists the model ids for an api key; an empty list is a list', async () => {
    expect(await client(new FakeNewApi()).models(API_KEY)).toEqual(['gpt-4o', 'claude-3-5-sonnet']);
    expect(await client(new FakeNewApi({ models: [] })).models(API_KEY)).toEqual([]);
  });

  test('models with a bad key is an AuthError (401)', async () => {
    await expect(client(new FakeNewApi()).models('sk-wrong')).rejects.toBeInstanceOf(AuthError);
  });
});

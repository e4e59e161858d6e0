import { describe, expect, test } from '@jest/globals';
import {
  HttpRequestError,
  curlCommand,
  parseCurlResult,
  parseTarget,
  parseWgetResult,
  wgetCommand,
} from '../../src/ssh/http.js';

const result = (code: number, stdout: string, stderr = '') => ({ code, stdout, stderr, durationMs: 1 });
const target = parseTarget('http://127.0.0.1:3000');

describe('parseTarget', () => {
  test('host, port (with defaults), Host header and a sub-path', () => {
    expect(parseTarget('http://127.0.0.1:3000')).toEqual({
      https: false,
      hostname: '127.0.0.1',
      port: 3000,
      authority: '127.0.0.1:3000',
      basePath: '',
    });
    expect(parseTarget('https://api.example.com/newapi/')).toMatchObject({
      https: true,
      port: 443,
      basePath: '/newapi',
    });
    expect(parseTarget('http://[::1]:8080')).toMatchObject({ hostname: '::1', authority: '[::1]:8080' });
  });

  test('anything but an http(s) URL is refused', () => {
    expect(() => parseTarget('ftp://x')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => parseTarget('127.0.0.1:3000')).toThrow();
  });
});

describe('curl on the host', () => {
  test('headers and body travel in the config on stdin, never on the command line', () => {
    const cmd = curlCommand(
      target,
      {
        method: 'POST',
        path: '/api/user/login',
        headers: { authorization: 'Bearer "t"\\x' },
        body: '{"password":"p\nq"}',
      },
      5000,
    );
    expect(cmd.argv).toEqual(['curl', '-sS', '-i', '--http1.1', '-K', '-']);
    expect(cmd.stdin).toContain('url = "http://127.0.0.1:3000/api/user/login"\n');
    expect(cmd.stdin).toContain('header = "authorization: Bearer \\"t\\"\\\\x"\n');
    expect(cmd.stdin).toContain('data-raw = "{\\"password\\":\\"p\\nq\\"}"\n');
    expect(cmd.stdin).toContain('noproxy = "*"');
    expect(cmd).toMatchObject({ quiet: true, allowFailure: true });
  });

  test('the response after interim 1xx heads, with repeated headers', () => {
    const out =
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Unauthorized\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Y: z\r\n\r\n{"success":false}\n';
    expect(parseCurlResult('h', 'GET /', result(0, out))).toEqual({
      status: 401,
      headers: { 'set-cookie': ['a=1', 'b=2'], 'x-y': 'z' },
      body: '{"success":false}\n',
    });
  });

  test('curl failures become typed errors', () => {
    const kind = (code: number) => {
      try {
        parseCurlResult('h', 'GET /', result(code, '', 'curl: boom'));
        return 'no error';
      } catch (e) {
        return (e as HttpRequestError).kind;
      }
    };
    expect(kind(7)).toBe('unreachable');
    expect(kind(28)).toBe('timeout');
    expect(kind(52)).toBe('protocol');
  });
});

describe('wget on the host', () => {
  test('GNU wget: the body comes from stdin through a temp file', () => {
    const cmd = wgetCommand(target, { method: 'POST', path: '/x', body: 'b' }, 5000, true);
    expect(cmd.stdin).toBe('b');
    expect(cmd.script).toMatch(/mktemp.*--post-file="\$f" http:\/\/127\.0\.0\.1:3000\/x$/);
    expect(wgetCommand(target, { method: 'GET', path: '/y' }, 5000, true).script).not.toContain('mktemp');
  });

  test('BusyBox wget cannot send PUT or DELETE', () => {
    expect(() => wgetCommand(target, { method: 'PUT', path: '/x' }, 5000, false)).toThrow(/curl or GNU wget/);
    expect(wgetCommand(target, { method: 'PUT', path: '/x' }, 5000, true).script).toContain('--method=PUT');
  });

  test('status and headers come from -S on stderr', () => {
    const stderr =
      '  HTTP/1.1 302 Found\n  Location: /a\n  HTTP/1.1 200 OK\n  Content-Type: application/json\n  X-A: 1\n';
    expect(parseWgetResult('h', 'GET /', result(0, '{}', stderr))).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json', 'x-a': '1' },
      body: '{}',
    });
  });

  test('BusyBox reports an error status in words', () => {
    const r = result(
      1,
      '',
      'Connecting to 127.0.0.1:3000\nwget: server returned error: HTTP/1.1 503 Service Unavailable\n',
    );
    expect(parseWgetResult('h', 'GET /', r).status).toBe(503);
  });

  test('no response at all is unreachable', () => {
    expect(() => parseWgetResult('h', 'GET /', result(4, '', ''))).toThrow(HttpRequestError);
  });
});

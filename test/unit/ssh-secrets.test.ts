import { describe, expect, test } from '@jest/globals';
import { MASK, Masker, findCredentialValues } from '../../src/ssh/secrets.js';

describe('Masker', () => {
  test('masks every occurrence, and tells the runner about each value once', () => {
    const registered: string[] = [];
    const m = new Masker((v) => registered.push(v));
    m.add('s3cret-pass');
    m.add('s3cret-pass');
    expect(m.mask('a s3cret-pass b s3cret-pass')).toBe(`a ${MASK} b ${MASK}`);
    expect(registered).toEqual(['s3cret-pass']);
  });

  test('ignores empty and very short values, which would blank ordinary words', () => {
    const m = new Masker();
    m.add('');
    m.add(undefined);
    m.add('abc');
    m.add('  ');
    expect(m.mask('abc is fine')).toBe('abc is fine');
  });

  test('multi-line values are masked line by line too (a private key printed line by line)', () => {
    const m = new Masker();
    m.add('-----BEGIN KEY-----\nAAAAline1\nBBBBline2\n-----END KEY-----');
    expect(m.mask('got BBBBline2 here')).toBe(`got ${MASK} here`);
  });

  test('the forms a value takes inside JSON and URLs are masked too', () => {
    const m = new Masker();
    m.add('pa"ss\\w@rd/1');
    expect(m.mask(JSON.stringify({ password: 'pa"ss\\w@rd/1' }))).toBe(`{"password":"${MASK}"}`);
    expect(m.mask(`mysql://u:${encodeURIComponent('pa"ss\\w@rd/1')}@db`)).toBe(`mysql://u:${MASK}@db`);
  });

  test('a secret containing another is masked whole', () => {
    const m = new Masker();
    m.add('token');
    m.add('token-and-more');
    expect(m.mask('x token-and-more y')).toBe(`x ${MASK} y`);
  });
});

describe('findCredentialValues', () => {
  test("New API's credential settings, and any credential-looking name", () => {
    const env = {
      SQL_DSN: 'root:Db-Pass-1@tcp(mysql:3306)/new-api',
      LOG_SQL_DSN: 'postgres://logs:Log%40Pass@pg:5432/logs',
      REDIS_CONN_STRING: 'redis://:Redis-Pass@redis:6379/0',
      SESSION_SECRET: 'session-secret-value',
      CRYPTO_SECRET: 'crypto-secret-value',
      GITHUB_TOKEN: 'ghp_abcdef',
      SMTP_PASSWORD: 'smtp-pw',
      MY_API_KEY: 'key-value',
      AWS_CREDENTIALS: 'aws-creds',
      TZ: 'Asia/Shanghai',
      PORT: '3000',
      NODE_TYPE: 'slave',
    };
    expect(findCredentialValues(env).sort()).toEqual(
      [
        'root:Db-Pass-1@tcp(mysql:3306)/new-api',
        'Db-Pass-1',
        'postgres://logs:Log%40Pass@pg:5432/logs',
        'Log%40Pass',
        'Log@Pass',
        'redis://:Redis-Pass@redis:6379/0',
        'Redis-Pass',
        'session-secret-value',
        'crypto-secret-value',
        'ghp_abcdef',
        'smtp-pw',
        'key-value',
        'aws-creds',
      ].sort(),
    );
  });

  test('a MySQL DSN password may itself contain @ and :', () => {
    expect(findCredentialValues({ SQL_DSN: 'u:p@ss:w@tcp(db:3306)/x' })).toContain('p@ss:w');
    expect(findCredentialValues({ SQL_DSN: 'u:pw1234@/x' })).toContain('pw1234');
  });

  test('key=value DSNs give their password', () => {
    expect(findCredentialValues({ SQL_DSN: "host=db user=u password='a b c' dbname=x" })).toContain('a b c');
    expect(findCredentialValues({ SQL_DSN: 'host=db password=plainpw dbname=x' })).toContain('plainpw');
  });

  test('a URL password under any name is found (a proxy URL)', () => {
    expect(findCredentialValues({ HTTPS_PROXY: 'http://user:proxy-pw@proxy:3128' })).toEqual(['proxy-pw']);
  });

  test('flags and counts under credential-looking names are not secrets', () => {
    expect(findCredentialValues({ GENERATE_DEFAULT_TOKEN: 'true', TOKEN_TTL: '3600', KEY_ROTATION: 'off' })).toEqual(
      [],
    );
  });
});

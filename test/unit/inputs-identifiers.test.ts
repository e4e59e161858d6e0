import {
  parseAbsolutePath,
  parseDockerName,
  parseEnvName,
  parseEnvironmentName,
  parseHostAddress,
  parseHttpUrl,
  parseImage,
  parsePlain,
  parseRepository,
  parseUser,
} from '../../src/inputs/identifiers.js';

const at = { input: 'hosts', host: 'web', key: 'k' };

describe('plain identifiers', () => {
  test.each(['web-1', 'node_2.example', 'a:b@c/d'])('name %s is accepted', (value) => {
    expect(parsePlain(at, value)).toBe(value);
  });
  test.each(['-oProxyCommand=x', 'a b', 'a;rm', '', 'x'.repeat(65), 'naïve'])('name %j is refused', (value) => {
    expect(() => parsePlain(at, value)).toThrow(/^Input 'hosts', host 'web': k .* is not a plain identifier/);
  });

  test('an offending value is quoted safely: control characters escaped, long values cut', () => {
    expect(() => parsePlain(at, 'a\n::error::forged')).toThrow('"a\\n::error::forged"');
    expect(() => parsePlain(at, 'y'.repeat(200))).toThrow(`"${'y'.repeat(60)}…"`);
  });
});

describe('host addresses', () => {
  test.each(['203.0.113.10', '2001:db8::1', 'node-1.example.com', 'localhost', 'svc_a.internal.'])('%s', (value) => {
    expect(parseHostAddress(at, value)).toBe(value);
  });
  test.each([
    ['root@203.0.113.10', /not a host name or IP address. Fix: give a DNS name or an IP address, without user or port/],
    ['203.0.113.10:22', /not a host name/],
    ['-bad.example', /not a host name/],
    ['[2001:db8::1]', /has brackets. Fix: write the IPv6 address without brackets \(2001:db8::1\)/],
  ])('%s is refused', (value, message) => {
    expect(() => parseHostAddress(at, value)).toThrow(message);
  });
});

describe('users, container and service names', () => {
  test.each(['root', 'deploy', 'svc.new-api', 'user@corp'])('user %s', (value) => {
    expect(parseUser(at, value)).toBe(value);
  });
  test.each(['-l', 'a b', '$(id)', '.hidden'])('user %j is refused', (value) => {
    expect(() => parseUser(at, value)).toThrow(/is not a valid user name/);
  });
  test.each(['new-api', 'new_api.1', 'NewApi'])('docker name %s', (value) => {
    expect(parseDockerName(at, value)).toBe(value);
  });
  test.each(['-new-api', 'new api', 'new/api', '.x'])('docker name %j is refused', (value) => {
    expect(() => parseDockerName(at, value)).toThrow(/is not a valid name/);
  });
});

describe('absolute paths', () => {
  test.each([
    ['/opt/new-api', '/opt/new-api'],
    ['/opt/new-api/', '/opt/new-api'],
    ['/srv/app@2/data:x', '/srv/app@2/data:x'],
  ])('%s → %s', (value, expected) => {
    expect(parseAbsolutePath(at, value)).toBe(expected);
  });
  test.each([
    ['opt/new-api', /not a plain absolute path/],
    ['~/new-api', /not a plain absolute path/],
    ['/opt/new api', /not a plain absolute path/],
    ['/opt/$(id)', /not a plain absolute path/],
    ['/', /is the root directory/],
    ['/opt/../etc', /contains \. or \.\. segments/],
  ])('%s is refused', (value, message) => {
    expect(() => parseAbsolutePath(at, value)).toThrow(message);
  });
});

describe('environment variable names (ssh-private-key-env)', () => {
  test('a name is accepted', () => {
    expect(parseEnvName(at, 'NODE2_KEY')).toBe('NODE2_KEY');
  });
  test('a bad name is refused', () => {
    expect(() => parseEnvName(at, '2KEY')).toThrow(/is not a valid environment variable name/);
  });
  test('a pasted key is recognized and never echoed', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nsecretmaterial\n-----END OPENSSH PRIVATE KEY-----';
    let message = '';
    try {
      parseEnvName(at, key);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/holds what looks like a key, not a variable name. Fix: give the NAME/);
    expect(message).not.toContain('secretmaterial');
  });
});

describe('http(s) URLs', () => {
  test.each([
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000'],
    ['https://ghe.example.com/api/v3/', 'https://ghe.example.com/api/v3'],
  ])('%s → %s', (value, expected) => {
    expect(parseHttpUrl(at, value)).toBe(expected);
  });
  test.each([
    ['127.0.0.1:3000', /is not a(n http\(s\))? URL/],
    ['ftp://example.com', /is not an http\(s\) URL/],
    ['http://admin:pw@127.0.0.1:3000', /contains credentials/],
    ['http://127.0.0.1:3000/?x=1', /has a query or fragment/],
  ])('%s is refused', (value, message) => {
    expect(() => parseHttpUrl(at, value)).toThrow(message);
  });
  test('credentials in a URL are not echoed', () => {
    expect(() => parseHttpUrl(at, 'http://admin:s3cret@127.0.0.1')).not.toThrow(/s3cret/);
  });
});

describe('repository', () => {
  test.each([
    ['QuantumNous/new-api', { owner: 'QuantumNous', repo: 'new-api' }],
    ['my-org/new.api_fork', { owner: 'my-org', repo: 'new.api_fork' }],
  ])('%s', (value, expected) => {
    expect(parseRepository({ input: 'repository' }, value)).toEqual(expected);
  });
  test.each(['new-api', 'https://github.com/QuantumNous/new-api', 'a/b/c', '-x/y', 'x/..'])(
    '%s is refused',
    (value) => {
      expect(() => parseRepository({ input: 'repository' }, value)).toThrow(
        /^Input 'repository': .* is not owner\/name. Fix: give the repository as owner\/name/,
      );
    },
  );
});

describe('image repository', () => {
  test.each([
    'calciumion/new-api',
    '127.0.0.1:5000/calciumion/new-api',
    'registry.example.com/team/sub/new-api',
    'localhost:5000/new-api',
    'new-api',
  ])('%s', (value) => {
    expect(parseImage({ input: 'image' }, value)).toBe(value);
  });
  test.each([
    ['calciumion/new-api:latest', /carries a tag or digest. Fix: give the repository only/],
    ['calciumion/new-api@sha256:abc', /carries a tag or digest/],
    ['CalciumIon/new-api', /is not an image repository \(repository paths are lower case\)/],
    ['calciumion/new api', /is not an image repository/],
    ['calciumion//new-api', /is not an image repository/],
  ])('%s is refused', (value, message) => {
    expect(() => parseImage({ input: 'image' }, value)).toThrow(message);
  });
});

describe('environment (deployment) names', () => {
  test.each(['production', 'staging-eu', 'prod (cn)', '生产'])('%s', (value) => {
    expect(parseEnvironmentName({ input: 'environment' }, value)).toBe(value);
  });
  test.each(['prod\nx', ' prod', 'a"b', 'x'.repeat(256)])('%j is refused', (value) => {
    expect(() => parseEnvironmentName({ input: 'environment' }, value)).toThrow(/is not a usable environment name/);
  });
});

import { parseChecks, parseLogPatterns } from '../../src/inputs/checks.js';
import { parseVersion } from '../../src/inputs/version.js';

describe('version syntax', () => {
  test.each([
    ['latest', 'latest'],
    ['Latest', 'latest'],
    ['previous', 'previous'],
    ['v0.9.6', 'v0.9.6'],
    ['0.9.6', '0.9.6'],
    ['v0.8.8.3', 'v0.8.8.3'],
    ['v0.12.0-alpha.2', 'v0.12.0-alpha.2'],
    ['v0.9.20-patch.1', 'v0.9.20-patch.1'],
    ['nightly-20260409-44fc10b', 'nightly-20260409-44fc10b'],
    ['~0.9', '~0.9'],
    ['^1.0', '^1.0'],
    ['>=0.9.4 <0.10', '>=0.9.4 <0.10'],
    ['>=0.9.4  <0.10', '>=0.9.4 <0.10'],
    ['0.9.x', '0.9.x'],
    ['^0.9 || ^1', '^0.9 || ^1'],
  ])('%s', (value, expected) => {
    expect(parseVersion(value)).toBe(expected);
  });

  test.each([
    ['v1;rm -rf /', /contains shell syntax/],
    ['$(curl evil)', /contains shell syntax/],
    ['`id`', /contains shell syntax/],
    ['0.9 garbage', /is neither latest, previous, a release tag nor a semver range/],
    ['lat est', /is neither latest/],
    ['-v1', /is neither latest/],
    ['1 || ', /is neither latest/],
    ['>=0.9 <', /is neither latest/],
  ])('%j is refused', (value, message) => {
    expect(() => parseVersion(value)).toThrow(message);
    expect(() => parseVersion(value)).toThrow(/^Input 'version'/);
  });

  test('a bad release tag says it came from the release event', () => {
    expect(() => parseVersion('v1 beta', "the release event's tag")).toThrow(/"v1 beta" \(the release event's tag\)/);
  });
});

describe('checks', () => {
  test.each([
    ['auto', 'auto'],
    ['AUTO', 'auto'],
    ['status,version', ['status', 'version']],
    ['logs, status\nversion status', ['status', 'version', 'logs']],
    ['channels admin-login api-call migration', ['admin-login', 'api-call', 'migration', 'channels']],
  ])('%j', (value, expected) => {
    expect(parseChecks(value)).toEqual(expected);
  });

  test.each([
    ['auto,status', /mixes auto with named checks/],
    [' , ', /is empty/],
    ['status,helth', /"helth" is not a check. Fix: did you mean 'status'\?|"helth" is not a check/],
    ['versoin', /did you mean 'version'\?/],
  ])('%j is refused', (value, message) => {
    expect(() => parseChecks(value)).toThrow(message);
    expect(() => parseChecks(value)).toThrow(/^Input 'checks'/);
  });
});

describe('log-error-patterns', () => {
  test('one regular expression per line, blank lines ignored', () => {
    const patterns = parseLogPatterns('\\[FATAL\\]\n\npanic:\r\n  out of memory  ');
    expect(patterns.map(String)).toEqual(['/\\[FATAL\\]/', '/panic:/', '/out of memory/']);
    expect(patterns[0].test('[FATAL] 2026/01/01 | failed')).toBe(true);
  });

  test('an invalid pattern names its line and the fix', () => {
    expect(() => parseLogPatterns('panic:\n[FATAL]\n(unclosed')).toThrow(
      /^Input 'log-error-patterns': pattern 3 "\(unclosed" is not a valid regular expression .*Fix: escape special characters/,
    );
  });
});

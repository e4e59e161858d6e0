import {
  compareTags,
  compareVersionTags,
  isPrerelease,
  knownVersion,
  normalizeTag,
  parseRange,
  parseTag,
  parseVersion,
  sameTag,
  satisfiesRange,
  toSemver,
  type VersionTag,
} from '../../src/versions/tags.js';

describe('parseTag: the tag shapes upstream actually uses', () => {
  test.each([
    ['v0.13.2', { major: 0, minor: 13, patch: 2, hotfix: 0, prerelease: [] }],
    ['0.9.6', { major: 0, minor: 9, patch: 6, hotfix: 0, prerelease: [] }],
    ['v0.8.8.3', { major: 0, minor: 8, patch: 8, hotfix: 3, prerelease: [] }],
    ['v0.9.20-patch.1', { major: 0, minor: 9, patch: 20, hotfix: 1, prerelease: [] }],
    ['v0.12.0-alpha.2', { major: 0, minor: 12, patch: 0, hotfix: 0, prerelease: ['alpha', 2] }],
    ['v1.0.0-rc.7', { major: 1, minor: 0, patch: 0, hotfix: 0, prerelease: ['rc', 7] }],
    ['v0.10.3-crash', { major: 0, minor: 10, patch: 3, hotfix: 0, prerelease: ['crash'] }],
    ['v0.10.3-badmigration', { major: 0, minor: 10, patch: 3, hotfix: 0, prerelease: ['badmigration'] }],
    [' v0.9.6 ', { major: 0, minor: 9, patch: 6, hotfix: 0, prerelease: [] }],
    ['V1.2.3+build.5', { major: 1, minor: 2, patch: 3, hotfix: 0, prerelease: [] }],
  ])('%s', (tag, expected) => {
    expect(parseTag(tag)).toMatchObject({ kind: 'version', ...expected });
  });

  test('a nightly carries its date and commit, not a version', () => {
    expect(parseTag('nightly-20260409-44fc10b')).toEqual({
      kind: 'nightly',
      raw: 'nightly-20260409-44fc10b',
      date: '2026-04-09',
      commit: '44fc10b',
    });
    expect(parseVersion('nightly-20260409-44fc10b')).toBeUndefined();
  });

  test.each(['latest', '', 'v1', '0.9', 'v0.9.x', '~0.9', 'v01.2.3', 'nightly', 'main', '1.2.3.4.5'])(
    'not a tag: %j',
    (text) => {
      expect(parseTag(text)).toBeUndefined();
    },
  );
});

describe('ordering by (major, minor, patch, hotfix, prerelease)', () => {
  // Ascending, as an operator reads the release history.
  const ascending = [
    'v0.8.8',
    'v0.8.8.3',
    'v0.9.0',
    'v0.9.20',
    'v0.9.20-patch.1',
    'v0.9.20-patch.2',
    'v0.9.21',
    'v0.10.3-badmigration',
    'v0.10.3-crash',
    'v0.10.3',
    'v0.12.0-alpha.2',
    'v0.12.0-alpha.10',
    'v0.12.0-beta',
    'v0.12.0',
    'v0.13.2',
    'v1.0.0-rc.7',
    'v1.0.0',
  ];

  test('sorts a shuffled list back into release order', () => {
    const shuffled = [...ascending].reverse();
    shuffled.push(shuffled.shift()!);
    const sorted = shuffled.map((t) => parseVersion(t)!).sort(compareVersionTags);
    expect(sorted.map((v) => v.raw)).toEqual(ascending);
  });

  test.each([
    ['v0.8.8.3', 'v0.8.8', 1],
    ['v0.8.8.3', 'v0.8.9', -1],
    ['v0.9.20-patch.1', 'v0.9.20', 1],
    ['v0.9.20-patch.1', 'v0.9.21', -1],
    ['v0.8.8-patch.3', 'v0.8.8.3', 0],
    ['0.9.6', 'v0.9.6', 0],
    ['v0.10.0', 'v0.9.9', 1],
    ['v1.0.0-rc.7', 'v0.13.2', 1],
  ])('%s vs %s → %i', (a, b, sign) => {
    expect(Math.sign(compareVersionTags(parseVersion(a)!, parseVersion(b)!))).toBe(sign);
  });

  test('nightlies order among themselves by date, and against versions by release date', () => {
    const n1 = parseTag('nightly-20260409-44fc10b')!;
    const n2 = parseTag('nightly-20260412-0badc0f')!;
    const v = parseTag('v0.13.2')!;
    expect(compareTags(n1, n2)).toBeLessThan(0);
    expect(compareTags(n1, v)).toBeUndefined();
    const dates = (tag: string) => (tag === 'v0.13.2' ? '2026-04-10T08:00:00Z' : undefined);
    expect(compareTags(n1, v, dates)).toBeLessThan(0);
    expect(compareTags(n2, v, dates)).toBeGreaterThan(0);
    // Built the same day as the release: either side of it, so unknown.
    expect(compareTags(parseTag('nightly-20260410-1234567')!, v, dates)).toBeUndefined();
  });
});

describe('isPrerelease', () => {
  test.each([
    ['v0.12.0-alpha.2', false, true],
    ['v1.0.0-rc.7', false, true],
    ['v0.10.3-crash', false, true],
    ['nightly-20260409-44fc10b', false, true],
    ['v0.9.20-patch.1', false, false],
    ['v0.8.8.3', false, false],
    ['v0.13.2', false, false],
    ['v0.13.2', true, true], // GitHub's flag wins
    ['some-odd-tag', false, false],
  ])('%s (GitHub flag %s) → %s', (tag, flag, expected) => {
    expect(isPrerelease(tag, flag)).toBe(expected);
  });
});

describe('versions a host reports', () => {
  test.each(['v0.0.0', '0.0.0', 'v0.0.0-dev', '', '   ', 'unknown', undefined])('%j is unknown', (reported) => {
    expect(knownVersion(reported)).toBeUndefined();
  });
  test.each(['v0.9.6', 'v0.0.1', 'nightly-20260409-44fc10b'])('%s is known', (reported) => {
    expect(knownVersion(reported)?.raw).toBe(reported);
  });
  test('normalizeTag makes 0.9.6 and v0.9.6 the same tag, and nothing else', () => {
    expect(normalizeTag('v0.9.6')).toBe('0.9.6');
    expect(normalizeTag(' 0.9.6')).toBe('0.9.6');
    expect(normalizeTag('nightly-20260409-44fc10b')).toBe('nightly-20260409-44fc10b');
    expect(sameTag('0.9.6', 'v0.9.6')).toBe(true);
    expect(sameTag('v0.9.6', 'v0.9.60')).toBe(false);
  });
});

describe('semver ranges', () => {
  const v = (t: string): VersionTag => parseVersion(t)!;

  test('a hotfix maps onto build metadata: same ranges as its base', () => {
    expect(toSemver(v('v0.8.8.3'))).toBe('0.8.8+hotfix.3');
    expect(toSemver(v('v0.9.20-patch.1'))).toBe('0.9.20+hotfix.1');
    expect(toSemver(v('v1.0.0-rc.7'))).toBe('1.0.0-rc.7');
  });

  test.each([
    ['~0.9', 'v0.9.20-patch.1', true],
    ['~0.9', 'v0.9.0', true],
    ['~0.9', 'v0.10.0', false],
    ['>=0.9.4 <0.10', 'v0.9.20-patch.1', true],
    ['>=0.9.4 <0.10', 'v0.9.3', false],
    ['>=0.9.4 <0.10', 'v0.10.0', false],
    ['^0.10', 'v0.10.2', true],
    ['^0.10', 'v0.11.0', false],
    ['<=0.9.20', 'v0.9.20-patch.1', true],
    ['^0.8.8', 'v0.8.8.3', true],
    ['0.9.x', 'v0.9.1', true],
    ['>=0.10', 'v1.0.0-rc.7', false], // prereleases need the opt-in
    ['^0.10', 'v0.10.3-crash', false],
  ])('%s matches %s: %s', (range, tag, expected) => {
    expect(satisfiesRange(v(tag), parseRange(range)!, false)).toBe(expected);
  });

  test('with prereleases included, a prerelease inside the range matches', () => {
    expect(satisfiesRange(v('v1.0.0-rc.7'), parseRange('>=0.10')!, true)).toBe(true);
    expect(satisfiesRange(v('v0.11.0-alpha.1'), parseRange('^0.10')!, true)).toBe(false);
  });

  test.each(['latest', 'previous', 'nightly-20260409-44fc10b', 'v0.8.8.3', 'not a range'])(
    '%j is not a range',
    (spec) => {
      expect(parseRange(spec)).toBeUndefined();
    },
  );
});

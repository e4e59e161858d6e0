import { readFileSync } from 'node:fs';
import { nearestTags, resolveTarget, validatePreviousTag } from '../../src/versions/resolve.js';
import { parseTag } from '../../src/versions/tags.js';
import type { Release } from '../../src/versions/types.js';

interface CatalogRelease {
  tag: string;
  prerelease?: boolean;
  published_at: string;
  body: string;
}
const catalog = JSON.parse(readFileSync(new URL('../bed/catalog.json', import.meta.url), 'utf8')) as {
  releases: CatalogRelease[];
};

function release(tag: string, prerelease = false, publishedAt = '2026-01-01T00:00:00Z', body = ''): Release {
  return {
    tag,
    name: tag,
    body,
    url: `https://github.com/QuantumNous/new-api/releases/tag/${tag}`,
    prerelease,
    publishedAt,
  };
}

/** The bed's releases, in the API's order (newest first). */
const bed: Release[] = catalog.releases
  .map((r) => release(r.tag, r.prerelease ?? false, r.published_at, r.body))
  .sort((a, b) => b.publishedAt!.localeCompare(a.publishedAt!));

/** Real upstream tag shapes, including an alpha GitHub did not flag and a hotfix published late. */
const upstream: Release[] = [
  release('nightly-20260409-44fc10b', true, '2026-04-09T03:00:00Z'),
  release('v0.12.0-alpha.2', false, '2026-03-20T00:00:00Z'),
  release('v0.9.20-patch.1', false, '2026-03-15T00:00:00Z'),
  release('v0.11.1', false, '2026-03-01T00:00:00Z'),
  release('v0.11.0', false, '2026-02-01T00:00:00Z'),
  release('v0.9.21', false, '2026-01-20T00:00:00Z'),
  release('v0.9.20', false, '2026-01-10T00:00:00Z'),
  release('v0.8.8.3', false, '2025-06-01T00:00:00Z'),
  release('0.8.8', false, '2025-05-01T00:00:00Z'),
];

const stable = { includePrereleases: false, repository: 'QuantumNous/new-api' };
const withPre = { includePrereleases: true, repository: 'QuantumNous/new-api' };

function tagOf(spec: string, releases: Release[], opts = stable): string {
  const r = resolveTarget(spec, releases, opts);
  if (!r.ok) throw new Error(r.error);
  return r.tag;
}

describe('resolveTarget', () => {
  test.each([
    // spec, releases, options, expected tag, selection
    ['latest', bed, stable, 'v1.0.0', 'latest'],
    ['LATEST', bed, stable, 'v1.0.0', 'latest'],
    ['', bed, stable, 'v1.0.0', 'latest'],
    // newest by version, not by date: the late hotfix of 0.9 does not become latest
    ['latest', upstream, stable, 'v0.11.1', 'latest'],
    ['latest', upstream, withPre, 'v0.12.0-alpha.2', 'latest'],
    ['v0.9.1', bed, stable, 'v0.9.1', 'exact'],
    ['0.9.1', bed, stable, 'v0.9.1', 'exact'],
    ['v0.8.8.3', bed, stable, 'v0.8.8.3', 'exact'],
    ['v0.8.8', upstream, stable, '0.8.8', 'exact'],
    // naming a prerelease or a fault build exactly is the opt-in
    ['v0.11.0-alpha.1', bed, stable, 'v0.11.0-alpha.1', 'exact'],
    ['v0.10.3-crash', bed, stable, 'v0.10.3-crash', 'exact'],
    ['nightly-20260409-44fc10b', upstream, stable, 'nightly-20260409-44fc10b', 'exact'],
    ['~0.9', bed, stable, 'v0.9.2', 'range'],
    ['>=0.9.4 <0.10', upstream, stable, 'v0.9.21', 'range'],
    ['<0.9.21', upstream, stable, 'v0.9.20-patch.1', 'range'],
    ['^0.10', bed, stable, 'v0.10.2', 'range'],
    ['^0.10', bed, withPre, 'v0.10.3-wrongversion', 'range'],
    ['0.9', bed, stable, 'v0.9.2', 'range'],
    ['*', bed, stable, 'v1.0.0', 'range'],
    ['~0.8', upstream, stable, 'v0.8.8.3', 'range'],
  ])('%j → %s', (spec, releases, opts, tag, selection) => {
    const r = resolveTarget(spec, releases, opts);
    expect(r).toMatchObject({ ok: true, tag, selection });
    if (r.ok) expect(r.release.tag).toBe(tag);
  });

  test('an exact tag prefers the spelling asked for when both exist', () => {
    const both = [release('v0.9.6'), release('0.9.6')];
    expect(tagOf('0.9.6', both)).toBe('0.9.6');
    expect(tagOf('v0.9.6', both)).toBe('v0.9.6');
  });

  test('an unknown tag lists the nearest existing releases on both sides', () => {
    const r = resolveTarget('v0.9.7', bed, stable);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain('v0.9.7 is not a release of QuantumNous/new-api');
    expect(r.error).toContain('older v0.9.0, v0.9.1, v0.9.2');
    expect(r.error).toContain('newer v0.10.0, v0.10.1, v0.10.2');
    // fault builds and alphas do not crowd the suggestions
    expect(r.error).not.toContain('crash');
  });

  test('an unknown prerelease tag suggests prereleases too', () => {
    const { older, newer } = nearestTags(parseTag('v0.10.3-rc.1')!, bed);
    expect(older).toContain('v0.10.3-logerrors');
    expect(newer).toEqual(['v0.10.3-slowboot', 'v0.10.3-wrongversion', 'v0.11.0-alpha.1']);
  });

  test('an unknown nightly suggests the nightlies around its date', () => {
    const nightlies = [release('nightly-20260401-aaaaaaa', true), release('nightly-20260410-bbbbbbb', true)];
    const r = resolveTarget('nightly-20260405-ccccccc', [...upstream, ...nightlies], stable);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toContain(
        'older nightly-20260401-aaaaaaa; newer nightly-20260409-44fc10b, nightly-20260410-bbbbbbb',
      );
  });

  test('a range nothing stable satisfies says which prerelease would', () => {
    const r = resolveTarget('>0.10.2 <1', bed, stable);
    expect(r).toEqual({
      ok: false,
      error:
        'no release of QuantumNous/new-api matches ">0.10.2 <1" (prerelease v0.11.0-alpha.1 matches: set include-prereleases to allow it). ' +
        'Newest releases: v1.0.0, v0.10.2, v0.10.1, v0.10.0, v0.9.2',
    });
    expect(tagOf('>0.10.2 <1', bed, withPre)).toBe('v0.11.0-alpha.1');
    // semver: a prerelease sorts below its release, so ^0.11 (>=0.11.0) never matches 0.11.0-alpha.1
    expect(resolveTarget('^0.11', bed, withPre).ok).toBe(false);
  });

  test('GitHub-flagged prereleases are never latest or a range match without the opt-in', () => {
    const flagged = [release('v0.13.0', true), release('v0.12.1')];
    expect(tagOf('latest', flagged)).toBe('v0.12.1');
    expect(tagOf('>=0.12', flagged)).toBe('v0.12.1');
    expect(tagOf('latest', flagged, withPre)).toBe('v0.13.0');
  });

  test('nightlies are never picked by latest or a range', () => {
    const onlyNightly = [release('nightly-20260409-44fc10b', true)];
    expect(resolveTarget('latest', onlyNightly, withPre)).toEqual({
      ok: false,
      error: 'QuantumNous/new-api has no release to resolve "latest" to',
    });
    expect(resolveTarget('*', onlyNightly, withPre).ok).toBe(false);
  });

  test.each([
    ['previous', 'resolved per host'],
    [
      'newest',
      'is not latest, previous, a release tag or a semver range. Newest releases of QuantumNous/new-api: v1.0.0',
    ],
    ['v0.9.6; rm -rf /', 'is not latest, previous'],
  ])('%j is an error', (spec, message) => {
    const r = resolveTarget(spec, bed, stable);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  test('no releases at all', () => {
    expect(resolveTarget('latest', [], stable)).toEqual({
      ok: false,
      error: 'QuantumNous/new-api has no stable release to resolve "latest" to',
    });
  });
});

describe('validatePreviousTag', () => {
  test('a recorded previous version that is a release', () => {
    expect(validatePreviousTag('master', '0.9.2', bed)).toMatchObject({
      ok: true,
      tag: 'v0.9.2',
      selection: 'previous',
    });
  });
  test.each([
    [undefined, 'master: no previous version is recorded, so there is nothing to go back to'],
    ['v0.0.0', 'master: no previous version is recorded (it was v0.0.0, an unknown version)'],
    ['v0.9.7', 'master: its previous version v0.9.7 is not a release. Nearest releases: older v0.9.0, v0.9.1, v0.9.2'],
  ])('%j is refused', (previous, message) => {
    const r = validatePreviousTag('master', previous, bed);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });
});

/**
 * Turns the `version` input into one release: `latest`, an exact tag, or a semver range. `previous` is
 * per host (the version this action replaced there, read from the host's audit) and only validated here.
 *
 * "Newest" is by version order, not by publication date as GitHub's /releases/latest has it: a backported
 * hotfix of an older line published after a newer release must not become "latest".
 */
import {
  compareTags,
  compareVersionTags,
  isPrerelease,
  knownVersion,
  normalizeTag,
  parseRange,
  parseTag,
  satisfiesRange,
  type ParsedTag,
  type VersionTag,
} from './tags.js';
import type { Release, Selection } from './types.js';

export interface ResolveOptions {
  includePrereleases: boolean;
  /** owner/repo, for messages. */
  repository?: string;
}

export interface ResolvedTarget {
  /** The release's own tag (`v0.9.6` even when `0.9.6` was asked for). */
  tag: string;
  release: Release;
  selection: Selection;
}

export type Resolution = ({ ok: true } & ResolvedTarget) | { ok: false; error: string };

interface Versioned {
  release: Release;
  version: VersionTag;
}

const NEAREST_EACH_SIDE = 3;
const NEWEST_LISTED = 5;

export function resolveTarget(spec: string, releases: Release[], opts: ResolveOptions): Resolution {
  const wanted = spec.trim();
  const repo = opts.repository ?? 'the repository';
  if (wanted === '' || wanted.toLowerCase() === 'latest') return resolveLatest(releases, opts, repo);
  if (wanted.toLowerCase() === 'previous') {
    return {
      ok: false,
      error: 'version "previous" is resolved per host, from the version each host ran before',
    };
  }

  const exact = findExact(wanted, releases);
  if (exact) return { ok: true, tag: exact.tag, release: exact, selection: 'exact' };

  const parsed = parseTag(wanted);
  if (parsed)
    return {
      ok: false,
      error: `${wanted} is not a release of ${repo}. ${nearestText(parsed, releases)}`,
    };

  const range = parseRange(wanted);
  if (range === undefined) {
    return {
      ok: false,
      error:
        `version "${wanted}" is not latest, previous, a release tag or a semver range. ` +
        `Newest releases of ${repo}: ${newestStable(releases).join(', ') || 'none'}`,
    };
  }
  return resolveRange(wanted, range, releases, opts, repo);
}

/**
 * Checks the tag a host ran before this action's last update (for `version: previous`) against the
 * releases, so that its notes and flags are known.
 */
export function validatePreviousTag(host: string, previous: string | undefined, releases: Release[]): Resolution {
  if (previous === undefined || knownVersion(previous) === undefined) {
    return {
      ok: false,
      error: `${host}: no previous version is recorded${previous ? ` (it was ${previous}, an unknown version)` : ''}, so there is nothing to go back to`,
    };
  }
  const exact = findExact(previous, releases);
  if (exact) return { ok: true, tag: exact.tag, release: exact, selection: 'previous' };
  return {
    ok: false,
    error: `${host}: its previous version ${previous} is not a release. ${nearestText(parseTag(previous)!, releases)}`,
  };
}

function findExact(wanted: string, releases: Release[]): Release | undefined {
  return releases.find((r) => r.tag === wanted) ?? releases.find((r) => normalizeTag(r.tag) === normalizeTag(wanted));
}

/** Releases that carry a version (nightlies and odd tags are only ever named exactly), ascending. */
function versioned(releases: Release[]): Versioned[] {
  const out: Versioned[] = [];
  for (const release of releases) {
    const parsed = parseTag(release.tag);
    if (parsed?.kind === 'version') out.push({ release, version: parsed });
  }
  return out.sort((a, b) => compareVersionTags(a.version, b.version));
}

function eligible(v: Versioned, includePrereleases: boolean): boolean {
  return includePrereleases || !isPrerelease(v.release.tag, v.release.prerelease);
}

function pick(v: Versioned | undefined, selection: Selection): Resolution | undefined {
  return v && { ok: true, tag: v.release.tag, release: v.release, selection };
}

function resolveLatest(releases: Release[], opts: ResolveOptions, repo: string): Resolution {
  const newest = versioned(releases)
    .filter((v) => eligible(v, opts.includePrereleases))
    .pop();
  return (
    pick(newest, 'latest') ?? {
      ok: false,
      error: `${repo} has no ${opts.includePrereleases ? '' : 'stable '}release to resolve "latest" to`,
    }
  );
}

function resolveRange(
  spec: string,
  range: string,
  releases: Release[],
  opts: ResolveOptions,
  repo: string,
): Resolution {
  const all = versioned(releases);
  const matching = all.filter((v) => satisfiesRange(v.version, range, opts.includePrereleases));
  const found = pick(matching.filter((v) => eligible(v, opts.includePrereleases)).pop(), 'range');
  if (found) return found;
  const prerelease = all.filter((v) => satisfiesRange(v.version, range, true)).pop();
  const hint =
    !opts.includePrereleases && prerelease
      ? ` (prerelease ${prerelease.release.tag} matches: set include-prereleases to allow it)`
      : '';
  return {
    ok: false,
    error: `no release of ${repo} matches "${spec}"${hint}. Newest releases: ${newestStable(releases).join(', ') || 'none'}`,
  };
}

function newestStable(releases: Release[]): string[] {
  return versioned(releases)
    .filter((v) => eligible(v, false))
    .slice(-NEWEST_LISTED)
    .reverse()
    .map((v) => v.release.tag);
}

/** The releases around a tag that does not exist: a few older and a few newer. */
export function nearestTags(wanted: ParsedTag, releases: Release[]): { older: string[]; newer: string[] } {
  // Same kind on both sides (versions with versions, nightlies with nightlies): always comparable.
  const order = (a: ParsedTag, b: ParsedTag) => compareTags(a, b) ?? 0;
  const candidates = releases
    .map((r) => ({ release: r, parsed: parseTag(r.tag) }))
    .filter((c): c is { release: Release; parsed: ParsedTag } => c.parsed !== undefined)
    .filter((c) => c.parsed.kind === wanted.kind)
    // Prereleases (and the bed's fault builds among them) only crowd the list unless one was asked for.
    .filter((c) => isPrerelease(wanted.raw) || !isPrerelease(c.release.tag, c.release.prerelease))
    .sort((a, b) => order(a.parsed, b.parsed));
  const older = candidates.filter((c) => order(c.parsed, wanted) < 0);
  const newer = candidates.filter((c) => order(c.parsed, wanted) > 0);
  return {
    older: older.slice(-NEAREST_EACH_SIDE).map((c) => c.release.tag),
    newer: newer.slice(0, NEAREST_EACH_SIDE).map((c) => c.release.tag),
  };
}

function nearestText(wanted: ParsedTag, releases: Release[]): string {
  const { older, newer } = nearestTags(wanted, releases);
  if (older.length === 0 && newer.length === 0) return 'There are no releases like it.';
  const parts = [];
  if (older.length > 0) parts.push(`older ${older.join(', ')}`);
  if (newer.length > 0) parts.push(`newer ${newer.join(', ')}`);
  return `Nearest releases: ${parts.join('; ')}.`;
}

/**
 * New API release tags: parsing, ordering and the mapping onto semver used for range matching.
 *
 * Upstream tags come in several shapes (see docs/newapi-facts): `v0.13.2`, `0.9.6`, four-part legacy tags
 * `v0.8.8.3`, hotfixes `v0.9.20-patch.1`, prereleases `v0.12.0-alpha.2` / `v1.0.0-rc.7`, and nightlies
 * `nightly-20260409-44fc10b`. A four-part tag and a `-patch.N` tag are both a *hotfix* of their base: they
 * sort after it and before the next patch. Nightlies carry no version at all: they can only be named exactly
 * and are ordered against versions by date, which needs release dates (see compareTags).
 */
import semver from 'semver';

export type PrereleaseId = string | number;

export interface VersionTag {
  kind: 'version';
  /** The tag as written (trimmed). */
  raw: string;
  major: number;
  minor: number;
  patch: number;
  /** 0 for a plain release; N for `a.b.c.N` or `a.b.c-patch.N`. */
  hotfix: number;
  /** semver prerelease identifiers (`['alpha', 2]`); empty for a release. `-patch.N` is not a prerelease. */
  prerelease: PrereleaseId[];
}

export interface NightlyTag {
  kind: 'nightly';
  raw: string;
  /** YYYY-MM-DD, from the tag itself. */
  date: string;
  commit: string;
}

export type ParsedTag = VersionTag | NightlyTag;

const VERSION_RE =
  /^[vV]?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const NIGHTLY_RE = /^nightly-(\d{4})(\d{2})(\d{2})-([0-9a-f]{7,40})$/i;
const HOTFIX_RE = /^patch\.?(\d+)?$/i;

/** Parses a tag; undefined when it is neither a version nor a nightly tag. */
export function parseTag(tag: string): ParsedTag | undefined {
  const raw = tag.trim();
  const nightly = NIGHTLY_RE.exec(raw);
  if (nightly) {
    return {
      kind: 'nightly',
      raw,
      date: `${nightly[1]}-${nightly[2]}-${nightly[3]}`,
      commit: nightly[4].toLowerCase(),
    };
  }
  const m = VERSION_RE.exec(raw);
  if (!m) return undefined;
  let hotfix = m[4] === undefined ? 0 : Number(m[4]);
  let prerelease: PrereleaseId[] = m[5] === undefined ? [] : m[5].split('.').map(toIdentifier);
  const patchSuffix = m[5] === undefined ? null : HOTFIX_RE.exec(m[5]);
  if (patchSuffix && hotfix === 0) {
    hotfix = patchSuffix[1] === undefined ? 1 : Number(patchSuffix[1]);
    prerelease = [];
  }
  return {
    kind: 'version',
    raw,
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    hotfix,
    prerelease,
  };
}

function toIdentifier(part: string): PrereleaseId {
  return /^\d+$/.test(part) ? Number(part) : part;
}

/** Parses a tag that must be a version (not a nightly). */
export function parseVersion(tag: string): VersionTag | undefined {
  const parsed = parseTag(tag);
  return parsed?.kind === 'version' ? parsed : undefined;
}

/**
 * The running version as a host reports it, or undefined when it is unknown: empty, unparsable, or
 * `v0.0.0` (with any suffix) — what release binaries and plain `go build` source builds report (upstream issue #2242).
 */
export function knownVersion(reported: string | undefined): ParsedTag | undefined {
  if (reported === undefined) return undefined;
  const parsed = parseTag(reported);
  if (!parsed) return undefined;
  if (
    parsed.kind === 'version' &&
    parsed.major === 0 &&
    parsed.minor === 0 &&
    parsed.patch === 0 &&
    parsed.hotfix === 0
  ) {
    return undefined;
  }
  return parsed;
}

/** Canonical spelling for equality: `0.9.6` and `v0.9.6` are the same tag. */
export function normalizeTag(tag: string): string {
  const raw = tag.trim();
  return /^[vV]\d/.test(raw) ? raw.slice(1) : raw;
}

export function sameTag(a: string, b: string): boolean {
  return normalizeTag(a) === normalizeTag(b);
}

/** Orders two versions by (major, minor, patch, hotfix, prerelease per semver); build metadata is ignored. */
export function compareVersionTags(a: VersionTag, b: VersionTag): number {
  return (
    a.major - b.major ||
    a.minor - b.minor ||
    a.patch - b.patch ||
    a.hotfix - b.hotfix ||
    comparePrerelease(a.prerelease, b.prerelease)
  );
}

function comparePrerelease(a: PrereleaseId[], b: PrereleaseId[]): number {
  // A release sorts after any of its prereleases (semver §11).
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Orders two parsed tags. Nightlies are ordered among themselves by date (then commit, only to be
 * deterministic); a nightly against a version needs that version's release date, given by `dateOf`
 * (ISO date or timestamp). Returns undefined when the order cannot be told.
 */
export function compareTags(
  a: ParsedTag,
  b: ParsedTag,
  dateOf: (tag: string) => string | undefined = () => undefined,
): number | undefined {
  if (a.kind === 'version' && b.kind === 'version') return compareVersionTags(a, b);
  const da = a.kind === 'nightly' ? a.date : dateOf(a.raw)?.slice(0, 10);
  const db = b.kind === 'nightly' ? b.date : dateOf(b.raw)?.slice(0, 10);
  if (a.kind === 'nightly' && b.kind === 'nightly') {
    return da! < db! ? -1 : da! > db! ? 1 : a.commit === b.commit ? 0 : a.commit < b.commit ? -1 : 1;
  }
  // A nightly built the same day as a release may be either side of it.
  if (da === undefined || db === undefined || da === db) return undefined;
  return da < db ? -1 : 1;
}

/**
 * Whether a tag is a prerelease: GitHub's prerelease flag, a nightly, or a semver prerelease suffix
 * (`-alpha.2`, `-rc.7`, the bed's fault tags like `-crash`). A `-patch.N` hotfix is not a prerelease.
 */
export function isPrerelease(tag: string, githubFlag = false): boolean {
  if (githubFlag) return true;
  const parsed = parseTag(tag);
  if (!parsed) return false;
  return parsed.kind === 'nightly' || parsed.prerelease.length > 0;
}

/**
 * The semver string used for range matching. A hotfix becomes build metadata (`0.9.20+hotfix.1`): semver
 * ignores build metadata, so the hotfix satisfies exactly the ranges its base satisfies. Ordering must use
 * compareVersionTags, never semver.compare, which would see the hotfix equal to its base.
 */
export function toSemver(tag: VersionTag): string {
  const pre = tag.prerelease.length > 0 ? `-${tag.prerelease.join('.')}` : '';
  const build = tag.hotfix > 0 ? `+hotfix.${tag.hotfix}` : '';
  return `${tag.major}.${tag.minor}.${tag.patch}${pre}${build}`;
}

/** A semver range (`~0.9`, `>=0.9.4 <0.10`, `^0.10`, `0.9.x`), normalized; undefined if `spec` is not one. */
export function parseRange(spec: string): string | undefined {
  return semver.validRange(spec.trim()) ?? undefined;
}

export function satisfiesRange(tag: VersionTag, range: string, includePrerelease: boolean): boolean {
  return semver.satisfies(toSemver(tag), range, { includePrerelease });
}

/** Same (major, minor, patch, hotfix): a prerelease of `b`'s release line, or `b` itself. */
export function sameBase(a: VersionTag, b: VersionTag): boolean {
  return a.major === b.major && a.minor === b.minor && a.patch === b.patch && a.hotfix === b.hotfix;
}

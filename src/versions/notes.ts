/**
 * Release notes between what the hosts run and the target, with the lines an operator must read before
 * upgrading highlighted. Upstream notes are often Chinese, so every pattern has its Chinese counterparts.
 */
import type { ReleaseNote } from '../report/types.js';
import {
  compareVersionTags,
  isPrerelease,
  knownVersion,
  parseTag,
  sameBase,
  sameTag,
  type VersionTag,
} from './tags.js';
import type { Release } from './types.js';

/** A breaking change: gates the upgrade unless allow-breaking. Negations ("no breaking changes") excluded. */
const BREAKING: RegExp[] = [
  /(?<!\bnon[- ]?|\bno |\bwithout |\bnot )breaking/i,
  /\bincompatib/i,
  /\bnot (?:backwards?[- ])?compatible\b/i,
  /\bno longer (?:supported|works?|accepted|available)\b/i,
  // Conventional-commit breaking marker: "feat!: …", "refactor(api)!: …"
  /^(?:[-*+]\s+)?[a-z]+(?:\([^)]*\))?!:/i,
  /(?<!无|没有|并无|不存在|不含)(?:不兼容|破坏性)/,
  /不向[后下]兼容/,
  /不再支持/,
];

/** Worth reading before upgrading, but not breaking by itself: migrations, schema, manual steps. */
const NOTEWORTHY: RegExp[] = [
  /\bmigrat(?:e|es|ed|ing|ion|ions)\b/i,
  /\bdatabase\b/i,
  /\bschema\b/i,
  /\bmanual(?:ly)?\b/i,
  /\bmust\b/i,
  /\baction required\b/i,
  /\bdeprecat/i,
  /\bimportant\b/i,
  /\bbefore upgrading\b/i,
  /\bdowngrad/i,
  /迁移|数据库|表结构|手动|注意|必须|务必|重要|警告|升级前|弃用|废弃/,
];

const HEADING = /^#{1,6}\s/;

function lines(body: string): string[] {
  return body
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function matchesAny(line: string, patterns: RegExp[]): boolean {
  return patterns.some((p) => p.test(line));
}

/**
 * The lines of a release body that flag breaking changes, migrations or manual steps. Everything under a
 * heading that does ("## Breaking changes", "### 升级注意") counts, since its bullets rarely repeat the word.
 */
export function highlightLines(body: string): string[] {
  const out: string[] = [];
  let sectionFlagged = false;
  for (const line of lines(body)) {
    const flagged = matchesAny(line, BREAKING) || matchesAny(line, NOTEWORTHY);
    if (HEADING.test(line)) sectionFlagged = flagged;
    if (flagged || sectionFlagged) out.push(line);
  }
  return out;
}

/** The lines of a note that flag a breaking change (under a breaking heading, or saying so themselves). */
export function breakingLines(note: ReleaseNote): string[] {
  const out: string[] = [];
  let sectionBreaking = false;
  for (const line of lines(note.body)) {
    const breaking = matchesAny(line, BREAKING);
    if (HEADING.test(line)) sectionBreaking = breaking;
    else if (breaking || sectionBreaking) out.push(line);
  }
  return out;
}

/** Whether any of these notes flags a breaking change (BREAKING, 不兼容, 破坏性 …; a migration is not). */
export function notesFlagBreaking(notes: ReleaseNote[]): boolean {
  return notes.some((n) => breakingLines(n).length > 0);
}

export function toReleaseNote(release: Release): ReleaseNote {
  return {
    tag: release.tag,
    name: release.name,
    url: release.url,
    prerelease: isPrerelease(release.tag, release.prerelease),
    body: release.body,
    highlights: highlightLines(release.body),
  };
}

/**
 * The releases strictly after `current` up to and including `target`, oldest first. Prereleases in
 * between are left out unless they lead to the target (the rcs of a final release, rc.6 before rc.7):
 * abandoned alphas of other lines and the bed's fault builds (`-crash`, `-badlogin`) are not on the path.
 * When the order cannot be told (unknown current version, nightlies) only the target itself is returned.
 */
export function releasesBetween(current: string | undefined, target: Release, releases: Release[]): Release[] {
  const from = knownVersion(current);
  const to = parseTag(target.tag);
  if (from?.kind !== 'version' || to?.kind !== 'version') {
    return current !== undefined && sameTag(current, target.tag) ? [] : [target];
  }
  if (compareVersionTags(from, to) >= 0) return [];
  const between: { release: Release; version: VersionTag }[] = [];
  for (const release of releases) {
    const v = parseTag(release.tag);
    if (v?.kind !== 'version') continue;
    if (compareVersionTags(v, from) <= 0 || compareVersionTags(v, to) > 0) continue;
    if (isPrerelease(release.tag, release.prerelease) && !onTargetLine(v, to)) continue;
    between.push({ release, version: v });
  }
  if (!between.some((b) => b.release.tag === target.tag)) between.push({ release: target, version: to });
  return between.sort((a, b) => compareVersionTags(a.version, b.version)).map((b) => b.release);
}

function onTargetLine(v: VersionTag, target: VersionTag): boolean {
  if (!sameBase(v, target)) return false;
  return target.prerelease.length === 0 || v.prerelease[0] === target.prerelease[0];
}

/**
 * The notes for a cluster: the union over every host's current version of releasesBetween, oldest first,
 * each release once.
 */
export function collectNotes(currents: (string | undefined)[], target: Release, releases: Release[]): ReleaseNote[] {
  const seen = new Map<string, Release>();
  for (const current of currents) {
    for (const r of releasesBetween(current, target, releases)) seen.set(r.tag, r);
  }
  return [...seen.values()]
    .sort((a, b) => {
      const va = parseTag(a.tag);
      const vb = parseTag(b.tag);
      // Only the target can be a non-version here, and it sorts last.
      if (va?.kind !== 'version') return 1;
      if (vb?.kind !== 'version') return -1;
      return compareVersionTags(va, vb);
    })
    .map(toReleaseNote);
}

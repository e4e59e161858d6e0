/**
 * The safety gates, decided per host before anything is touched: a refused host ends the run with
 * `result=refused`. Hosts already on the target are skipped; the rest are updated.
 */
import type { ReleaseNote } from '../report/types.js';
import { breakingLines } from './notes.js';
import type { ResolvedTarget } from './resolve.js';
import { compareTags, isPrerelease, knownVersion, parseTag, sameTag, type ParsedTag } from './tags.js';
import type { Release } from './types.js';

export interface GateFlags {
  includePrereleases: boolean;
  allowDowngrade: boolean;
  allowBreaking: boolean;
}

export interface HostVersion {
  name: string;
  /** As the host reports it; undefined or `v0.0.0` when unknown. */
  current?: string;
  /** This host's own target, for `version: previous`; otherwise the run's target applies. */
  target?: ResolvedTarget;
}

export interface GateContext {
  flags: GateFlags;
  /** The notes of the releases between the hosts' versions and the target (collectNotes). */
  notes: ReleaseNote[];
  /** Release dates order nightlies against versions. */
  releases: Release[];
}

export type GateName = 'downgrade' | 'breaking' | 'prerelease' | 'unknown-version';

interface DecisionBase {
  host: string;
  current?: string;
  target: string;
}
export type RefusedDecision = DecisionBase & {
  action: 'refused';
  gate: GateName;
  reason: string;
};
export type HostDecision = (DecisionBase & { action: 'update' | 'up-to-date' }) | RefusedDecision;

export function gateHosts(hosts: HostVersion[], target: ResolvedTarget, ctx: GateContext): HostDecision[] {
  return hosts.map((h) => gateHost(h, h.target ?? target, ctx));
}

export function gateHost(host: HostVersion, target: ResolvedTarget, ctx: GateContext): HostDecision {
  const { flags } = ctx;
  const base = {
    host: host.name,
    ...(host.current !== undefined ? { current: host.current } : {}),
    target: target.tag,
  };
  const refuse = (gate: GateName, reason: string): HostDecision => ({
    ...base,
    action: 'refused',
    gate,
    reason,
  });
  const current = knownVersion(host.current);
  const wanted = parseTag(target.tag);

  if (current && sameTag(current.raw, target.tag)) return { ...base, action: 'up-to-date' };

  if (
    isPrerelease(target.tag, target.release.prerelease) &&
    (target.selection === 'latest' || target.selection === 'range') &&
    !flags.includePrereleases
  ) {
    return refuse(
      'prerelease',
      `${target.tag} is a prerelease: name it exactly as the version, or set include-prereleases: true`,
    );
  }
  // Going back to the version this action replaced is what `previous` asks for: not a downgrade to refuse.
  if (target.selection === 'previous') return { ...base, action: 'update' };

  const order = current && wanted ? compareTags(current, wanted, dateOf(ctx.releases)) : undefined;
  if (order === undefined) {
    if (!flags.allowDowngrade) {
      return refuse(
        'unknown-version',
        current
          ? `cannot tell whether ${current.raw} (running) is older than ${target.tag}, so the downgrade check cannot be answered; set allow-downgrade: true to update anyway`
          : `its running version is unknown (${host.current ? `it reports ${host.current}` : 'it reports none'}; ` +
              'source builds report v0.0.0 unless the version is injected at build time), so the downgrade ' +
              'and breaking-change checks cannot be answered; set allow-downgrade: true to update anyway',
      );
    }
  } else if (order === 0) {
    // Two spellings of one version (v0.8.8.3 / v0.8.8-patch.3).
    return { ...base, action: 'up-to-date' };
  } else if (order > 0) {
    return flags.allowDowngrade
      ? { ...base, action: 'update' }
      : refuse(
          'downgrade',
          `${target.tag} is older than ${current!.raw} (running): set allow-downgrade: true to downgrade ` +
            '(database migrations are not always reversible: consider restore-data-on-rollback with version: previous)',
        );
  }

  if (!flags.allowBreaking) {
    const why = breakingReason(current, wanted, notesAfter(current, ctx.notes, dateOf(ctx.releases)));
    if (why) return refuse('breaking', `${why}: set allow-breaking: true once you have read the release notes`);
  }
  return { ...base, action: 'update' };
}

function dateOf(releases: Release[]): (tag: string) => string | undefined {
  return (tag) => releases.find((r) => sameTag(r.tag, tag))?.publishedAt;
}

/** The notes of releases after the host's version (all of them when it is unknown). */
function notesAfter(
  current: ParsedTag | undefined,
  notes: ReleaseNote[],
  dates: (tag: string) => string | undefined,
): ReleaseNote[] {
  if (!current) return notes;
  return notes.filter((n) => {
    const v = parseTag(n.tag);
    return !v || (compareTags(v, current, dates) ?? 1) > 0;
  });
}

function breakingReason(
  current: ParsedTag | undefined,
  wanted: ParsedTag | undefined,
  notes: ReleaseNote[],
): string | undefined {
  if (current?.kind === 'version' && wanted?.kind === 'version' && wanted.major > current.major) {
    return `${current.raw} → ${wanted.raw} is a new major version`;
  }
  for (const note of notes) {
    const lines = breakingLines(note);
    if (lines.length > 0) return `the release notes of ${note.tag} flag a breaking change: "${lines[0]}"`;
  }
  return undefined;
}

/** Whether some host runs a version older than its target (unknown versions do not count). */
export function updateAvailable(hosts: HostVersion[], target: ResolvedTarget, releases: Release[]): boolean {
  return hosts.some((h) => {
    const current = knownVersion(h.current);
    const wanted = parseTag((h.target ?? target).tag);
    return current !== undefined && wanted !== undefined && (compareTags(current, wanted, dateOf(releases)) ?? 0) < 0;
  });
}

/** The run's verdict from the per-host decisions, with the sentence for the report. */
export function summarizeGates(decisions: HostDecision[]): {
  verdict: 'update' | 'up-to-date' | 'refused';
  message: string;
} {
  const refused = decisions.filter((d): d is RefusedDecision => d.action === 'refused');
  if (refused.length > 0) {
    return {
      verdict: 'refused',
      message: refused.map((d) => `${d.host}: ${d.reason}`).join('; '),
    };
  }
  if (decisions.every((d) => d.action === 'up-to-date')) {
    const targets = [...new Set(decisions.map((d) => d.target))].join(', ');
    return {
      verdict: 'up-to-date',
      message: `every host already runs ${targets}`,
    };
  }
  const updating = decisions.filter((d) => d.action === 'update').map((d) => d.host);
  return {
    verdict: 'update',
    message: `${updating.length} of ${decisions.length} hosts to update: ${updating.join(', ')}`,
  };
}

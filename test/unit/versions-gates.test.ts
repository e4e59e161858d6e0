import type { ReleaseNote } from '../../src/report/types.js';
import {
  gateHost,
  gateHosts,
  summarizeGates,
  updateAvailable,
  type GateContext,
  type GateFlags,
} from '../../src/versions/gates.js';
import { collectNotes, toReleaseNote } from '../../src/versions/notes.js';
import type { ResolvedTarget } from '../../src/versions/resolve.js';
import type { Release, Selection } from '../../src/versions/types.js';

function release(tag: string, body = '', prerelease = false, publishedAt?: string): Release {
  return { tag, name: tag, body, url: '', prerelease, ...(publishedAt ? { publishedAt } : {}) };
}

const releases: Release[] = [
  release('v0.9.1', '', false, '2026-01-01T00:00:00Z'),
  release('v0.9.2', '- 数据库迁移：新增 logs 索引', false, '2026-01-10T00:00:00Z'),
  release('v0.10.0', '- Manual step: set SESSION_SECRET', false, '2026-02-01T00:00:00Z'),
  release('v0.10.1', '', false, '2026-02-10T00:00:00Z'),
  release('v0.11.0', '## 不兼容变更\n- 旧版令牌格式不再支持', false, '2026-03-01T00:00:00Z'),
  release('v0.11.1', '', false, '2026-03-10T00:00:00Z'),
  release('v0.12.0-alpha.2', '', false, '2026-03-20T00:00:00Z'),
  release('v0.12.0-beta.1', '', true, '2026-03-25T00:00:00Z'),
  release('v1.0.0', '', false, '2026-04-01T00:00:00Z'),
  release('nightly-20260405-44fc10b', '', true, '2026-04-05T03:00:00Z'),
];
const byTag = (tag: string) => releases.find((r) => r.tag === tag)!;
const target = (tag: string, selection: Selection = 'latest'): ResolvedTarget => ({
  tag,
  release: byTag(tag),
  selection,
});

const strict: GateFlags = { includePrereleases: false, allowDowngrade: false, allowBreaking: false };

function decide(current: string | undefined, t: ResolvedTarget, flags: Partial<GateFlags> = {}) {
  const ctx: GateContext = {
    flags: { ...strict, ...flags },
    notes: collectNotes([current], t.release, releases),
    releases,
  };
  return gateHost({ name: 'master', ...(current !== undefined ? { current } : {}) }, t, ctx);
}

describe('hosts that pass', () => {
  test.each([
    ['patch bump', 'v0.10.0', target('v0.10.1')],
    ['minor bump on 0.x is not breaking by itself', 'v0.9.1', target('v0.10.1', 'range')],
    ['a migration in the notes is not breaking', 'v0.9.1', target('v0.9.2')],
    ['an exact prerelease tag is the opt-in', 'v0.11.1', target('v0.12.0-beta.1', 'exact')],
    ['an exact alpha tag, not flagged by GitHub', 'v0.11.1', target('v0.12.0-alpha.2', 'exact')],
    ['a nightly after the running release', 'v1.0.0', target('nightly-20260405-44fc10b', 'exact')],
    ['going back with previous needs no allow-downgrade', 'v0.10.1', target('v0.9.2', 'previous')],
  ])('%s', (_name, current, t) => {
    expect(decide(current, t)).toEqual({ host: 'master', current, target: t.tag, action: 'update' });
  });

  test.each([
    ['downgrade with allow-downgrade', 'v0.10.1', target('v0.9.2', 'exact'), { allowDowngrade: true }],
    ['new major with allow-breaking', 'v0.11.1', target('v1.0.0'), { allowBreaking: true }],
    ['notes flag breaking, with allow-breaking', 'v0.10.1', target('v0.11.1'), { allowBreaking: true }],
    [
      'a prerelease from latest with include-prereleases',
      'v0.11.1',
      target('v0.12.0-beta.1'),
      { includePrereleases: true },
    ],
    ['unknown current version with allow-downgrade', 'v0.0.0', target('v0.10.1'), { allowDowngrade: true }],
  ])('%s', (_name, current, t, flags) => {
    expect(decide(current, t, flags).action).toBe('update');
  });

  test.each([
    ['v0.10.1', 'v0.10.1'],
    ['0.10.1', 'v0.10.1'],
  ])('%s running, target %s: up to date', (current, tag) => {
    expect(decide(current, target(tag)).action).toBe('up-to-date');
  });
});

describe('refusals, each with the reason and the way out', () => {
  test.each([
    [
      'downgrade',
      'v0.10.1',
      target('v0.9.2', 'exact'),
      {},
      'downgrade',
      'v0.9.2 is older than v0.10.1 (running): set allow-downgrade: true',
    ],
    [
      'new major (0.x → 1.x)',
      'v0.11.1',
      target('v1.0.0'),
      {},
      'breaking',
      'v0.11.1 → v1.0.0 is a new major version: set allow-breaking: true',
    ],
    [
      'notes in between flag a breaking change',
      'v0.10.1',
      target('v0.11.1', 'range'),
      {},
      'breaking',
      'the release notes of v0.11.0 flag a breaking change: "- 旧版令牌格式不再支持"',
    ],
    [
      'prerelease from latest without include-prereleases',
      'v0.11.1',
      target('v0.12.0-beta.1', 'latest'),
      {},
      'prerelease',
      'v0.12.0-beta.1 is a prerelease: name it exactly as the version, or set include-prereleases: true',
    ],
    [
      'prerelease from a range without include-prereleases',
      'v0.11.1',
      target('v0.12.0-alpha.2', 'range'),
      { allowDowngrade: true, allowBreaking: true },
      'prerelease',
      'is a prerelease',
    ],
    [
      'unknown current version (v0.0.0)',
      'v0.0.0',
      target('v0.10.1'),
      { allowBreaking: true },
      'unknown-version',
      'its running version is unknown (it reports v0.0.0; source builds report v0.0.0 unless the version is injected',
    ],
    [
      'no version reported',
      undefined,
      target('v0.10.1'),
      {},
      'unknown-version',
      'its running version is unknown (it reports none;',
    ],
  ])('%s', (_name, current, t, flags, gate, reason) => {
    const d = decide(current, t, flags);
    expect(d).toMatchObject({ host: 'master', target: t.tag, action: 'refused', gate });
    if (d.action === 'refused') expect(d.reason).toContain(reason);
  });

  test('a nightly from the same day as the running release cannot be ordered', () => {
    const sameDay = [...releases, release('v1.0.1', '', false, '2026-04-05T12:00:00Z')];
    const t = target('nightly-20260405-44fc10b', 'exact');
    const d = gateHost({ name: 'm', current: 'v1.0.1' }, t, { flags: strict, notes: [], releases: sameDay });
    expect(d).toMatchObject({ action: 'refused', gate: 'unknown-version' });
    if (d.action === 'refused')
      expect(d.reason).toMatch(/^cannot tell whether v1.0.1 \(running\) is older than nightly/);
  });

  test('unknown current version with allow-downgrade still meets the breaking gate through the notes', () => {
    const d = decide('v0.0.0', target('v0.11.0'), { allowDowngrade: true });
    expect(d).toMatchObject({ action: 'refused', gate: 'breaking' });
  });
});

describe('a cluster', () => {
  const hosts = [
    { name: 'master', current: 'v0.10.1' },
    { name: 'slave-1', current: 'v0.10.0' },
    { name: 'slave-2', current: 'v0.10.1' },
  ];
  const ctx = (notes: ReleaseNote[] = []): GateContext => ({ flags: strict, notes, releases });

  test('hosts already on the target are skipped; update-available says some host is behind', () => {
    const t = target('v0.10.1');
    const decisions = gateHosts(hosts, t, ctx());
    expect(decisions.map((d) => d.action)).toEqual(['up-to-date', 'update', 'up-to-date']);
    expect(summarizeGates(decisions)).toEqual({ verdict: 'update', message: '1 of 3 hosts to update: slave-1' });
    expect(updateAvailable(hosts, t, releases)).toBe(true);
  });

  test('all on the target: up-to-date, nothing available', () => {
    const t = target('v0.10.1');
    const same = hosts.map((h) => ({ ...h, current: 'v0.10.1' }));
    expect(summarizeGates(gateHosts(same, t, ctx()))).toEqual({
      verdict: 'up-to-date',
      message: 'every host already runs v0.10.1',
    });
    expect(updateAvailable(same, t, releases)).toBe(false);
  });

  test('one refused host refuses the run, naming the host and the reason', () => {
    const t = target('v0.11.1');
    const notes = collectNotes(
      hosts.map((h) => h.current),
      t.release,
      releases,
    );
    const summary = summarizeGates(gateHosts(hosts, t, ctx(notes)));
    expect(summary.verdict).toBe('refused');
    expect(summary.message).toMatch(/^master: the release notes of v0.11.0 flag a breaking change/);
    expect(summary.message).toContain('; slave-1: ');
  });

  test('only the notes after each host count: a host already past the breaking release passes', () => {
    const t = target('v0.11.1');
    const mixed = [
      { name: 'master', current: 'v0.11.0' },
      { name: 'slave-1', current: 'v0.10.1' },
    ];
    const notes = collectNotes(['v0.11.0', 'v0.10.1'], t.release, releases);
    expect(notes.map((n) => n.tag)).toEqual(['v0.11.0', 'v0.11.1']);
    expect(gateHosts(mixed, t, ctx(notes)).map((d) => d.action)).toEqual(['update', 'refused']);
  });

  test('previous: each host goes back to its own recorded version', () => {
    const t = target('v0.10.1');
    const decisions = gateHosts(
      [
        { name: 'master', current: 'v0.10.1', target: target('v0.10.0', 'previous') },
        { name: 'slave-1', current: 'v0.10.1', target: target('v0.9.2', 'previous') },
      ],
      t,
      ctx(),
    );
    expect(decisions.map((d) => [d.target, d.action])).toEqual([
      ['v0.10.0', 'update'],
      ['v0.9.2', 'update'],
    ]);
  });

  test('unknown versions do not count as behind', () => {
    const t = target('v0.10.1');
    expect(updateAvailable([{ name: 'a', current: 'v0.0.0' }, { name: 'b' }], t, releases)).toBe(false);
    expect(updateAvailable([{ name: 'a', current: 'v0.11.1' }], t, releases)).toBe(false);
  });

  test('a breaking note is quoted from the notes the report shows', () => {
    const t = target('v0.11.1');
    const d = gateHost({ name: 'm', current: 'v0.10.1' }, t, {
      flags: strict,
      notes: [toReleaseNote(byTag('v0.11.0'))],
      releases,
    });
    expect(d.action === 'refused' && d.reason).toContain('不再支持');
  });
});

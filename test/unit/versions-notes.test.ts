import { readFileSync } from 'node:fs';
import {
  breakingLines,
  collectNotes,
  highlightLines,
  notesFlagBreaking,
  releasesBetween,
  toReleaseNote,
} from '../../src/versions/notes.js';
import type { Release } from '../../src/versions/types.js';

const catalog = JSON.parse(readFileSync(new URL('../bed/catalog.json', import.meta.url), 'utf8')) as {
  releases: { tag: string; prerelease?: boolean; published_at: string; body: string }[];
};
const bed: Release[] = catalog.releases.map((r) => ({
  tag: r.tag,
  name: r.tag,
  body: r.body,
  url: `https://github.com/QuantumNous/new-api/releases/tag/${r.tag}`,
  prerelease: r.prerelease ?? false,
  publishedAt: r.published_at,
}));
const byTag = (tag: string) => bed.find((r) => r.tag === tag)!;
const note = (body: string, tag = 'v1.0.0') => toReleaseNote({ tag, name: tag, body, url: '', prerelease: false });

describe('highlightLines', () => {
  test.each([
    ['BREAKING CHANGE: the /api/token response changed', true],
    ['- 不兼容变更：旧版 API 令牌格式不再支持', true],
    ['- 破坏性更新：移除旧版支付接口', true],
    ['- 数据库迁移：新增 logs 索引', true],
    ['- database migration adds an index on logs', true],
    ['- Migrate the options table before starting slaves', true],
    ['- schema change on the channels table', true],
    ['- Manual step: set SESSION_SECRET on every node', true],
    ['- 需要手动设置 SESSION_SECRET', true],
    ['- 注意：升级前请备份', true],
    ['- You must set CRYPTO_SECRET on every node', true],
    ['- 必须在所有节点设置 CRYPTO_SECRET', true],
    ['- feat!: drop MySQL 5.6', true],
    ['- The old login endpoint is deprecated', true],
    ['- fix: token quota display', false],
    ['- perf: faster startup', false],
    ['- 修复若干问题', false],
    ['- feat: new dashboard', false],
  ])('%s → %s', (line, highlighted) => {
    expect(highlightLines(`## What's Changed\n${line}\n`)).toEqual(highlighted ? [line] : []);
  });

  test('every line under a flagged heading counts, until the next heading', () => {
    const body = [
      '## 升级注意',
      '- 新的环境变量 SESSION_SECRET',
      '- 旧的 cookie 失效',
      '## Fixes',
      '- fix: channel pagination',
    ].join('\n');
    expect(highlightLines(body)).toEqual(['## 升级注意', '- 新的环境变量 SESSION_SECRET', '- 旧的 cookie 失效']);
  });

  test('the bed catalog: the releases an operator must read are highlighted', () => {
    expect(toReleaseNote(byTag('v0.9.0')).highlights).toEqual([
      '- 数据库迁移：新增 logs 索引 (database migration adds an index on logs)',
    ]);
    expect(toReleaseNote(byTag('v0.10.0')).highlights).toEqual(['- Manual step: set SESSION_SECRET on every node']);
    expect(toReleaseNote(byTag('v1.0.0')).highlights).toEqual([
      '## BREAKING CHANGES',
      '- 不兼容变更：旧版 API 令牌格式不再支持 (old token format no longer supported)',
    ]);
    expect(toReleaseNote(byTag('v0.9.1')).highlights).toEqual([]);
  });
});

describe('notesFlagBreaking: only breaking changes gate, not migrations', () => {
  test.each([
    ['## BREAKING CHANGES\n- tokens', true],
    ['- 不兼容变更：旧版 API 令牌格式不再支持', true],
    ['- 破坏性变更：移除 /api/old', true],
    ['- the v1 payment API is incompatible with old clients', true],
    ['- no longer supported: MySQL 5.6', true],
    ['- refactor(api)!: new error format', true],
    ['- 数据库迁移：新增 logs 索引', false],
    ['- Manual step: set SESSION_SECRET', false],
    ['- No breaking changes in this release', false],
    ['- non-breaking: new optional field', false],
    ['- 本版本无不兼容变更', false],
    ['- 没有破坏性变更', false],
  ])('%j → %s', (body, breaking) => {
    expect(notesFlagBreaking([note(body)])).toBe(breaking);
  });

  test('lines under a breaking heading are the evidence', () => {
    expect(breakingLines(note('## Breaking changes\n- tokens are now JWTs\n## Fixes\n- fix: x'))).toEqual([
      '- tokens are now JWTs',
    ]);
  });
});

describe('releasesBetween: strictly after current, up to and including the target', () => {
  const tags = (current: string | undefined, target: string) =>
    releasesBetween(current, byTag(target), bed).map((r) => r.tag);

  test.each([
    ['v0.9.0', 'v0.10.2', ['v0.9.1', 'v0.9.2', 'v0.10.0', 'v0.10.1', 'v0.10.2']],
    ['0.9.2', 'v0.10.0', ['v0.10.0']],
    // the fault builds and the abandoned alpha between 0.10.2 and 1.0.0 are not on the path
    ['v0.10.2', 'v1.0.0', ['v1.0.0']],
    ['v0.8.8.3', 'v0.9.0', ['v0.9.0']],
    // a prerelease target is itself included
    ['v0.10.1', 'v0.10.3-crash', ['v0.10.2', 'v0.10.3-crash']],
    ['v0.10.2', 'v0.10.2', []],
    ['v1.0.0', 'v0.9.2', []],
    // unknown current version: only the target
    ['v0.0.0', 'v0.10.0', ['v0.10.0']],
    [undefined, 'v0.10.0', ['v0.10.0']],
  ])('%s → %s', (current, target, expected) => {
    expect(tags(current, target)).toEqual(expected);
  });

  test('the prereleases leading to the target are on the path', () => {
    const rcs: Release[] = ['v1.0.0-beta.1', 'v1.0.0-rc.1', 'v1.0.0-rc.2', 'v1.0.0-rc.3'].map((tag) => ({
      tag,
      name: tag,
      body: '',
      url: '',
      prerelease: true,
    }));
    const all = [...bed, ...rcs];
    expect(releasesBetween('v0.10.2', byTag('v1.0.0'), all).map((r) => r.tag)).toEqual([
      'v1.0.0-beta.1',
      'v1.0.0-rc.1',
      'v1.0.0-rc.2',
      'v1.0.0-rc.3',
      'v1.0.0',
    ]);
    expect(releasesBetween('v1.0.0-rc.1', rcs[3], all).map((r) => r.tag)).toEqual(['v1.0.0-rc.2', 'v1.0.0-rc.3']);
  });
});

test('collectNotes: the union over a cluster, oldest first, each release once', () => {
  const notes = collectNotes(['v0.9.2', 'v0.10.1', 'v0.0.0'], byTag('v0.10.2'), bed);
  expect(notes.map((n) => n.tag)).toEqual(['v0.10.0', 'v0.10.1', 'v0.10.2']);
  expect(notes[0]).toEqual({
    tag: 'v0.10.0',
    name: 'v0.10.0',
    url: 'https://github.com/QuantumNous/new-api/releases/tag/v0.10.0',
    prerelease: false,
    body: byTag('v0.10.0').body,
    highlights: ['- Manual step: set SESSION_SECRET on every node'],
  });
});

/**
 * Reading releases through the real toolkit Octokit against the bed's fake GitHub API, then resolving the
 * target the way a run does: from `version`, from a release event's payload, from a dispatch's inputs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as github from '@actions/github';
import { startFakeGitHub, type FakeGitHub } from '../bed/fake-github.mjs';
import { collectNotes } from '../../src/versions/notes.js';
import { getReleaseByTag, listReleases, toRelease, type ReleaseSource } from '../../src/versions/releases.js';
import { resolveTarget } from '../../src/versions/resolve.js';
import type { Release } from '../../src/versions/types.js';

const catalogPath = new URL('../bed/catalog.json', import.meta.url).pathname;
const catalog = JSON.parse(readFileSync(catalogPath, 'utf8')) as { releases: { tag: string }[] };

let gh: FakeGitHub;
let upstream: ReleaseSource;

beforeAll(async () => {
  gh = await startFakeGitHub({ port: 0, catalog: catalogPath });
  upstream = { apiUrl: gh.url, owner: 'QuantumNous', repo: 'new-api', token: 'ghs_test' };
});
afterAll(() => gh.close());
beforeEach(() => gh.reset());

async function seed(repository: string, releases: object[], replace = false): Promise<void> {
  const res = await fetch(`${gh.url}/_admin/releases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ repository, releases, replace }),
  });
  expect(res.status).toBe(200);
}

async function resolveFrom(src: ReleaseSource, spec: string, includePrereleases = false) {
  const releases = await listReleases(src);
  return resolveTarget(spec, releases, { includePrereleases, repository: `${src.owner}/${src.repo}` });
}

describe('listReleases', () => {
  test('reads every published release of the catalog, drafts excluded', async () => {
    await seed('QuantumNous/new-api', [{ tag: 'v1.1.0', draft: true, body: 'unfinished' }]);
    const releases = await listReleases(upstream);
    expect(releases.map((r) => r.tag).sort()).toEqual(catalog.releases.map((r) => r.tag).sort());
    expect(releases.find((r) => r.tag === 'v1.0.0')).toEqual({
      tag: 'v1.0.0',
      name: 'v1.0.0',
      body: expect.stringContaining('不兼容变更'),
      url: 'https://github.com/QuantumNous/new-api/releases/tag/v1.0.0',
      prerelease: false,
      publishedAt: '2025-12-01T00:00:00Z',
    });
    // the token went along, and only its scheme was recorded
    expect(gh.requests()[0].headers.authorization).toBe('token [REDACTED]');
  });

  test('follows the Link header over more than 100 releases', async () => {
    const many = Array.from({ length: 250 }, (_, i) => ({
      tag: `v0.${Math.floor(i / 10)}.${i % 10}`,
      published_at: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(),
    }));
    await seed('big/fork', many);
    const src = { ...upstream, owner: 'big', repo: 'fork' };
    const releases = await listReleases(src);
    expect(releases).toHaveLength(250);
    expect(new Set(releases.map((r) => r.tag)).size).toBe(250);
    expect(gh.requests().map((r) => r.path)).toEqual([
      '/repos/big/fork/releases?per_page=100',
      '/repos/big/fork/releases?per_page=100&page=2',
      '/repos/big/fork/releases?per_page=100&page=3',
    ]);
    expect(resolveTarget('latest', releases, { includePrereleases: false })).toMatchObject({ tag: 'v0.24.9' });
    expect(resolveTarget('~0.7', releases, { includePrereleases: false })).toMatchObject({ tag: 'v0.7.9' });
  });

  test('works without a token', async () => {
    const releases = await listReleases({ apiUrl: gh.url, owner: 'QuantumNous', repo: 'new-api' });
    expect(releases.length).toBe(catalog.releases.length);
    expect(gh.requests()[0].headers.authorization).toBeUndefined();
  });

  test.each([
    [
      'a repository that does not exist',
      { owner: 'nobody', repo: 'nothing' },
      /^Could not list the releases of nobody\/nothing at http:\/\/127\.0\.0\.1:\d+: repository not found \(HTTP 404\)\. Check the repository and releases-api-url inputs/,
    ],
    [
      'a rejected token',
      { token: 'bad-credentials-token' },
      /^Could not list the releases of QuantumNous\/new-api at http:\/\/127\.0\.0\.1:\d+: the token was rejected \(HTTP 401: Bad credentials/,
    ],
    [
      'an exhausted rate limit',
      { token: 'rate-limited-token' },
      /: API rate limit exceeded \(HTTP 403\); it resets at \d{4}-\d\d-\d\dT/,
    ],
  ])('%s: the error names the URL, the repository and what to check', async (_name, override, message) => {
    await expect(listReleases({ ...upstream, ...override })).rejects.toThrow(message);
  });

  test('an unreachable API', async () => {
    await expect(listReleases({ ...upstream, apiUrl: 'http://127.0.0.1:9' })).rejects.toThrow(
      /^Could not list the releases of QuantumNous\/new-api at http:\/\/127\.0\.0\.1:9: .*\(check releases-api-url and the runner's network\)$/,
    );
  });

  test('an API that never answers is given up on', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      await expect(listReleases({ ...upstream, apiUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 })).rejects.toThrow(
        /^Could not list the releases of QuantumNous\/new-api at http:\/\/127\.0\.0\.1:\d+: no answer within 0.3 s$/,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      silent.close();
    }
  });
});

describe('getReleaseByTag', () => {
  test('an existing tag', async () => {
    expect(await getReleaseByTag(upstream, 'v0.9.2')).toMatchObject({ tag: 'v0.9.2', prerelease: false });
  });
  test('a missing tag of an existing repository is undefined, not an error', async () => {
    expect(await getReleaseByTag(upstream, 'v9.9.9')).toBeUndefined();
  });
  test('a missing repository is an error', async () => {
    await expect(getReleaseByTag({ ...upstream, owner: 'nobody' }, 'v0.9.2')).rejects.toThrow(
      /^Could not read release v0.9.2 of nobody\/new-api at .*repository not found \(HTTP 404\)/,
    );
  });
});

describe('resolving against the API', () => {
  test('latest: the newest stable release', async () => {
    expect(await resolveFrom(upstream, 'latest')).toMatchObject({ ok: true, tag: 'v1.0.0', selection: 'latest' });
  });

  test('prereleases are excluded from latest and ranges unless included', async () => {
    await seed('QuantumNous/new-api', [{ tag: 'v1.1.0-rc.1', prerelease: true, published_at: '2026-01-01T00:00:00Z' }]);
    expect(await resolveFrom(upstream, 'latest')).toMatchObject({ tag: 'v1.0.0' });
    expect(await resolveFrom(upstream, 'latest', true)).toMatchObject({ tag: 'v1.1.0-rc.1' });
    expect(await resolveFrom(upstream, '>0.10.2 <1')).toMatchObject({ ok: false });
    expect(await resolveFrom(upstream, '>0.10.2 <1', true)).toMatchObject({ tag: 'v0.11.0-alpha.1' });
  });

  test('a range', async () => {
    expect(await resolveFrom(upstream, '~0.9')).toMatchObject({ ok: true, tag: 'v0.9.2', selection: 'range' });
    expect(await resolveFrom(upstream, '>=0.9.1 <0.10')).toMatchObject({ tag: 'v0.9.2' });
    expect(await resolveFrom(upstream, '^0.10')).toMatchObject({ tag: 'v0.10.2' });
  });

  test('an exact fault build is the opt-in for that prerelease', async () => {
    expect(await resolveFrom(upstream, 'v0.10.3-crash')).toMatchObject({ tag: 'v0.10.3-crash', selection: 'exact' });
  });

  test('an unknown tag lists the nearest existing ones', async () => {
    expect(await resolveFrom(upstream, '0.9.7')).toEqual({
      ok: false,
      error:
        '0.9.7 is not a release of QuantumNous/new-api. ' +
        'Nearest releases: older v0.9.0, v0.9.1, v0.9.2; newer v0.10.0, v0.10.1, v0.10.2.',
    });
  });
});

describe('the event that triggered the run', () => {
  let dir: string;
  const saved = { path: process.env.GITHUB_EVENT_PATH, name: process.env.GITHUB_EVENT_NAME };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'event-'));
  });
  afterAll(() => {
    process.env.GITHUB_EVENT_PATH = saved.path;
    process.env.GITHUB_EVENT_NAME = saved.name;
  });

  /** The toolkit's own Context, reading an event file as it does on a runner. */
  function contextFor(eventName: string, payload: object): typeof github.context {
    const file = join(dir, `${eventName}.json`);
    writeFileSync(file, JSON.stringify(payload));
    process.env.GITHUB_EVENT_PATH = file;
    process.env.GITHUB_EVENT_NAME = eventName;
    return new (github.context.constructor as new () => typeof github.context)();
  }

  test("release event: the payload's tag, read from the workflow's own repository (a fork's build)", async () => {
    await seed('operator/new-api', [
      { tag: 'v0.10.2', body: '- perf: faster startup', published_at: '2025-11-01T00:00:00Z' },
      {
        tag: 'v0.10.2.1',
        body: '- fix: our patched build\n- 注意：需要手动设置 OPERATOR_FLAG',
        published_at: '2025-11-05T00:00:00Z',
      },
    ]);
    const fork: ReleaseSource = { ...upstream, owner: 'operator', repo: 'new-api' };
    // GitHub puts the same release object in the event payload as the REST API returns.
    const apiObject = await (await fetch(`${gh.url}/repos/operator/new-api/releases/tags/v0.10.2.1`)).json();
    const ctx = contextFor('release', { action: 'published', release: apiObject });

    expect(ctx.eventName).toBe('release');
    const spec = ctx.payload.release.tag_name as string;
    const releases = await listReleases(fork);
    const target = resolveTarget(spec, releases, { includePrereleases: false, repository: 'operator/new-api' });
    expect(target).toMatchObject({ ok: true, tag: 'v0.10.2.1', selection: 'exact' });
    expect(toRelease(ctx.payload.release)).toEqual(target.ok && target.release);

    const notes = collectNotes(['v0.10.2'], toRelease(ctx.payload.release), releases);
    expect(notes.map((n) => [n.tag, n.highlights])).toEqual([['v0.10.2.1', ['- 注意：需要手动设置 OPERATOR_FLAG']]]);
  });

  test('workflow_dispatch: the version input', async () => {
    const ctx = contextFor('workflow_dispatch', { inputs: { version: '0.9.1' }, ref: 'refs/heads/main' });
    expect(ctx.eventName).toBe('workflow_dispatch');
    const releases: Release[] = await listReleases(upstream);
    const target = resolveTarget(ctx.payload.inputs.version, releases, { includePrereleases: false });
    expect(target).toMatchObject({ ok: true, tag: 'v0.9.1', selection: 'exact' });
    const range = contextFor('workflow_dispatch', { inputs: { version: '~0.10' } });
    expect(resolveTarget(range.payload.inputs.version, releases, { includePrereleases: false })).toMatchObject({
      tag: 'v0.10.2',
    });
  });
});

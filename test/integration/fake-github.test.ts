/**
 * The bed's fake GitHub API, driven by the real toolkit Octokit: what the reporting code (PR comments,
 * deployments) and the version code rely on it to mimic.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getOctokit } from '@actions/github';
import { startFakeGitHub, type FakeGitHub } from '../bed/fake-github.mjs';

const catalogPath = new URL('../bed/catalog.json', import.meta.url).pathname;
const serverPath = new URL('../bed/fake-github.mjs', import.meta.url).pathname;
const repo = { owner: 'operator', repo: 'deploy' };

let gh: FakeGitHub;
let recordFile: string;
const octokit = (token = 'ghs_test') => getOctokit(token, { baseUrl: gh.url });

beforeAll(async () => {
  recordFile = join(mkdtempSync(join(tmpdir(), 'fake-gh-')), 'requests.jsonl');
  gh = await startFakeGitHub({ port: 0, catalog: catalogPath, record: recordFile });
});
afterAll(() => gh.close());
beforeEach(() => gh.reset());

async function admin(path: string, body: object): Promise<void> {
  const res = await fetch(`${gh.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

describe('releases', () => {
  test('pages with a Link header, newest first', async () => {
    const res = await octokit().rest.repos.listReleases({ owner: 'QuantumNous', repo: 'new-api', per_page: 5 });
    expect(res.data.map((r) => r.tag_name)).toEqual([
      'v1.0.0',
      'v0.10.3-crashlater',
      'v0.10.3-logerrors',
      'v0.10.3-channelsoff',
      'v0.10.3-badlogin',
    ]);
    expect(res.headers.link).toBe(
      `<${gh.url}/repos/QuantumNous/new-api/releases?per_page=5&page=2>; rel="next", ` +
        `<${gh.url}/repos/QuantumNous/new-api/releases?per_page=5&page=4>; rel="last"`,
    );
  });

  test('latest skips prereleases; a missing tag is a GitHub-shaped 404', async () => {
    const latest = await octokit().rest.repos.getLatestRelease({ owner: 'QuantumNous', repo: 'new-api' });
    expect(latest.data.tag_name).toBe('v1.0.0');
    await expect(
      octokit().rest.repos.getReleaseByTag({ owner: 'QuantumNous', repo: 'new-api', tag: 'v9.9.9' }),
    ).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } },
    });
  });

  test('releases seeded for a fork, drafts visible only to an authenticated reader and never by tag', async () => {
    await admin('/_admin/releases', {
      repository: 'someone/new-api',
      releases: [
        { tag: 'v0.10.2.1', body: 'patched build' },
        { tag: 'v0.10.2.2', draft: true },
      ],
    });
    const authed = await octokit().rest.repos.listReleases({ owner: 'someone', repo: 'new-api' });
    expect(authed.data.map((r) => [r.tag_name, r.draft])).toEqual([
      ['v0.10.2.2', true],
      ['v0.10.2.1', false],
    ]);
    const anonymous = await fetch(`${gh.url}/repos/someone/new-api/releases`).then((r) => r.json());
    expect(anonymous.map((r: { tag_name: string }) => r.tag_name)).toEqual(['v0.10.2.1']);
    await expect(
      octokit().rest.repos.getReleaseByTag({ owner: 'someone', repo: 'new-api', tag: 'v0.10.2.2' }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe('PR comments', () => {
  test('create, list and update a comment', async () => {
    const api = octokit().rest.issues;
    const created = await api.createComment({ ...repo, issue_number: 7, body: '<!-- new-api-update -->\nplanned' });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      body: '<!-- new-api-update -->\nplanned',
      user: { login: 'github-actions[bot]' },
    });
    await api.createComment({ ...repo, issue_number: 8, body: 'another PR' });

    const listed = await api.listComments({ ...repo, issue_number: 7 });
    expect(listed.data.map((c) => c.id)).toEqual([created.data.id]);

    const updated = await api.updateComment({ ...repo, comment_id: created.data.id, body: 'updated' });
    expect(updated.data).toMatchObject({ id: created.data.id, body: 'updated' });
    expect((await api.listComments({ ...repo, issue_number: 7 })).data[0].body).toBe('updated');
  });

  test('a fork PR token may read but not write', async () => {
    const api = octokit('read-only-token').rest.issues;
    await expect(api.createComment({ ...repo, issue_number: 7, body: 'x' })).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration'),
    });
    expect((await api.listComments({ ...repo, issue_number: 7 })).data).toEqual([]);
  });

  test('updating a comment that does not exist is a 404', async () => {
    await expect(octokit().rest.issues.updateComment({ ...repo, comment_id: 424242, body: 'x' })).rejects.toMatchObject(
      { status: 404 },
    );
  });
});

describe('deployments', () => {
  test('a deployment with statuses; a new success retires the previous one', async () => {
    const api = octokit().rest.repos;
    const first = await api.createDeployment({
      ...repo,
      ref: 'main',
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
      payload: { version: 'v0.10.1' },
    });
    expect(first.status).toBe(201);
    const firstId = (first.data as { id: number }).id;
    await api.createDeploymentStatus({ ...repo, deployment_id: firstId, state: 'success' });

    const second = await api.createDeployment({
      ...repo,
      ref: 'main',
      environment: 'production',
      required_contexts: [],
    });
    const secondId = (second.data as { id: number }).id;
    await api.createDeploymentStatus({ ...repo, deployment_id: secondId, state: 'in_progress' });
    await api.createDeploymentStatus({
      ...repo,
      deployment_id: secondId,
      state: 'success',
      environment_url: 'https://api.example.com',
    });

    const statuses = await api.listDeploymentStatuses({ ...repo, deployment_id: secondId });
    expect(statuses.data.map((s) => s.state)).toEqual(['success', 'in_progress']);
    expect((await api.listDeploymentStatuses({ ...repo, deployment_id: firstId })).data[0].state).toBe('inactive');

    const listed = await api.listDeployments({ ...repo, environment: 'production' });
    expect(listed.data.map((d) => d.id)).toEqual([secondId, firstId]);
    expect(listed.data[1].payload).toEqual({ version: 'v0.10.1' });
    expect((await api.listDeployments({ ...repo, environment: 'staging' })).data).toEqual([]);
  });

  test('an invalid state is a 422', async () => {
    const api = octokit().rest.repos;
    const d = await api.createDeployment({ ...repo, ref: 'main', required_contexts: [] });
    await expect(
      api.createDeploymentStatus({
        ...repo,
        deployment_id: (d.data as { id: number }).id,
        state: 'exploded' as 'success',
      }),
    ).rejects.toMatchObject({ status: 422 });
  });
});

describe('pull requests', () => {
  test('the PRs of a commit, and one PR by number', async () => {
    const sha = 'a'.repeat(40);
    await admin('/_admin/pulls', {
      repository: 'operator/deploy',
      pulls: [{ number: 12, head_sha: sha, title: 'Bump' }],
    });
    const api = octokit().rest;
    const byCommit = await api.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: sha });
    expect(byCommit.data.map((p) => p.number)).toEqual([12]);
    expect(
      (await api.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: 'b'.repeat(40) })).data,
    ).toEqual([]);
    const pr = await api.pulls.get({ ...repo, pull_number: 12 });
    expect(pr.data).toMatchObject({ number: 12, title: 'Bump', head: { sha }, state: 'open' });
    await expect(api.pulls.get({ ...repo, pull_number: 13 })).rejects.toMatchObject({ status: 404 });
  });
});

describe('recording', () => {
  test('every API request, with the token value removed, in memory, at /_requests and in the record file', async () => {
    await octokit('ghs_secretvalue').rest.issues.createComment({ ...repo, issue_number: 3, body: 'hello' });
    const [req] = gh.requests();
    expect(req).toMatchObject({
      method: 'POST',
      path: '/repos/operator/deploy/issues/3/comments',
      body: { body: 'hello' },
    });
    expect(req.headers.authorization).toBe('token [REDACTED]');

    const overHttp = await fetch(`${gh.url}/_requests`).then((r) => r.json());
    expect(overHttp).toEqual(gh.requests());

    const file = readFileSync(recordFile, 'utf8');
    expect(file).not.toContain('ghs_secretvalue');
    expect(
      file
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).path),
    ).toContain('/repos/operator/deploy/issues/3/comments');
  });

  test('/_reset forgets requests and state', async () => {
    await octokit().rest.issues.createComment({ ...repo, issue_number: 3, body: 'x' });
    await fetch(`${gh.url}/_reset`, { method: 'POST' });
    expect(gh.requests()).toEqual([]);
    expect((await octokit().rest.issues.listComments({ ...repo, issue_number: 3 })).data).toEqual([]);
  });
});

test('runs standalone from the command line', async () => {
  const child = spawn(process.execPath, [serverPath, '--port', '0', '--catalog', catalogPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((ok, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const m = /listening on (http:\/\/\S+)/.exec(chunk.toString());
        if (m) ok(m[1]);
      });
      child.once('exit', (code) => fail(new Error(`exited with ${code}`)));
    });
    const latest = await getOctokit('t', { baseUrl: url }).rest.repos.getLatestRelease({
      owner: 'QuantumNous',
      repo: 'new-api',
    });
    expect(latest.data.tag_name).toBe('v1.0.0');
  } finally {
    const exited = new Promise((ok) => child.once('exit', ok));
    child.kill('SIGTERM');
    await exited;
  }
});

/**
 * The run's GitHub side through the real toolkit Octokit against the bed's fake GitHub API: the sticky PR
 * comment, the PR lookup by commit, and deployment statuses.
 */
import * as github from '@actions/github';
import { startFakeGitHub, type FakeGitHub, type RecordedRequest } from '../bed/fake-github.mjs';
import { finishDeployment, startDeployment } from '../../src/report/deployment.js';
import { commentMarker, renderComment } from '../../src/report/markdown.js';
import { findPullRequest, upsertStickyComment, type EventContext, type GitHubClient } from '../../src/report/pr.js';
import { planned, rolledBack, updatedCluster } from '../unit/report-fixtures.js';

const catalog = new URL('../bed/catalog.json', import.meta.url).pathname;
const repo = { owner: 'acme', repo: 'ops' };
const RUN = 'https://github.com/acme/ops/actions/runs/7';
const SHA = 'a'.repeat(40);

let gh: FakeGitHub;
const client = (token = 'ghs_writer'): GitHubClient => github.getOctokit(token, { baseUrl: gh.url });

beforeAll(async () => {
  gh = await startFakeGitHub({ port: 0, catalog });
});
afterAll(() => gh.close());
beforeEach(() => gh.reset());

const writes = (): RecordedRequest[] => gh.requests().filter((r) => r.method !== 'GET');
type Comment = { id: number; body: string };
async function comments(pr: number): Promise<Comment[]> {
  return (await client().paginate(client().rest.issues.listComments, {
    ...repo,
    issue_number: pr,
    per_page: 100,
  })) as Comment[];
}

describe('sticky PR comment', () => {
  test('is created by the first run and updated in place by the next: one comment per PR', async () => {
    const octokit = client();
    const marker = commentMarker('production');
    for (let i = 0; i < 105; i++)
      await octokit.rest.issues.createComment({ ...repo, issue_number: 12, body: `lgtm ${i}` });
    await octokit.rest.issues.createComment({ ...repo, issue_number: 12, body: `why does the bot say ${marker}?` });

    const first = await upsertStickyComment(
      octokit,
      repo,
      12,
      renderComment({ ...planned, environment: 'production' }, RUN),
      marker,
    );
    const second = await upsertStickyComment(octokit, repo, 12, renderComment(updatedCluster, RUN), marker);

    expect(first.action).toBe('created');
    expect(second).toMatchObject({ action: 'updated', id: first.action === 'created' ? first.id : -1 });
    const ours = (await comments(12)).filter((c) => c.body.startsWith(marker));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toBe(renderComment(updatedCluster, RUN));
    expect(ours[0]?.body).toContain('New API updated to v0.10.1');
    // The comment that only quotes the marker is someone else's and was left alone.
    expect((await comments(12)).some((c) => c.body === `why does the bot say ${marker}?`)).toBe(true);
    expect(
      writes()
        .filter((r) => r.path.includes('/issues/'))
        .map((r) => r.method)
        .slice(-2),
    ).toEqual(['POST', 'PATCH']);
  });

  test('each environment keeps its own comment', async () => {
    const octokit = client();
    await upsertStickyComment(octokit, repo, 3, renderComment(updatedCluster, RUN), commentMarker('production'));
    await upsertStickyComment(octokit, repo, 3, renderComment(planned, RUN), commentMarker('staging'));
    await upsertStickyComment(octokit, repo, 3, renderComment(planned, RUN), commentMarker('staging'));
    expect((await comments(3)).map((c) => c.body.split('\n', 1)[0])).toEqual([
      '<!-- new-api-update-action:production -->',
      '<!-- new-api-update-action:staging -->',
    ]);
  });

  test('a read-only token (a fork PR) gives a warning, not a failure', async () => {
    const res = await upsertStickyComment(
      client('read-only-token'),
      repo,
      5,
      renderComment(rolledBack, RUN),
      commentMarker(),
    );
    expect(res.action).toBe('skipped');
    expect(res.action === 'skipped' && res.warning).toMatch(/^Could not comment on pull request #5: .*read-only token/);
    expect(await comments(5)).toEqual([]);
  });
});

describe('finding the pull request', () => {
  const push = (sha: string): EventContext => ({ eventName: 'push', payload: {}, repo, sha });

  test("from the commit's open pull request, ignoring closed ones", async () => {
    await fetch(`${gh.url}/_admin/pulls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        repository: 'acme/ops',
        pulls: [
          { number: 8, head_sha: SHA, state: 'closed' },
          { number: 9, head_sha: SHA, state: 'open' },
        ],
      }),
    });
    expect(await findPullRequest(push(SHA), undefined, client())).toEqual({ number: 9, source: 'commit' });
    expect(await findPullRequest(push('b'.repeat(40)), undefined, client())).toBeUndefined();
  });

  test('a token without access means no pull request, not an error', async () => {
    expect(await findPullRequest(push(SHA), undefined, client('bad-credentials-token'))).toBeUndefined();
  });
});

describe('deployments', () => {
  const statesOf = async (id: number): Promise<string[]> => {
    const { data } = await client().rest.repos.listDeploymentStatuses({ ...repo, deployment_id: id });
    return data.map((s) => s.state).reverse(); // oldest first
  };
  const statusPosts = (): { deployment: string; state: unknown }[] =>
    writes()
      .filter((r) => r.path.endsWith('/statuses'))
      .map((r) => ({ deployment: r.path.split('/')[5] ?? '', state: (r.body as { state?: unknown }).state }));

  test('in_progress then success, and the previous successful deployment becomes inactive', async () => {
    const octokit = client();
    const one = await startDeployment(octokit, repo, SHA, 'production', 'v0.9.6', RUN);
    expect(one.warning).toBeUndefined();
    expect(await finishDeployment(octokit, repo, one.deployment!, 'success', RUN)).toEqual([]);
    const two = await startDeployment(octokit, repo, SHA, 'production', 'v0.10.1', RUN);
    expect(await finishDeployment(octokit, repo, two.deployment!, 'success', RUN, 'All 3 hosts run v0.10.1')).toEqual(
      [],
    );

    const a = String(one.deployment!.id);
    const b = String(two.deployment!.id);
    expect(statusPosts()).toEqual([
      { deployment: a, state: 'in_progress' },
      { deployment: a, state: 'success' },
      { deployment: b, state: 'in_progress' },
      { deployment: b, state: 'success' },
      { deployment: a, state: 'inactive' },
    ]);
    expect(await statesOf(one.deployment!.id)).toEqual(['in_progress', 'success', 'inactive']);
    expect(await statesOf(two.deployment!.id)).toEqual(['in_progress', 'success']);
    const created = writes().find((r) => r.path === '/repos/acme/ops/deployments');
    expect(created?.body).toMatchObject({
      ref: SHA,
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
      payload: { version: 'v0.9.6' },
    });
    const { data: status } = await octokit.rest.repos.listDeploymentStatuses({
      ...repo,
      deployment_id: two.deployment!.id,
    });
    expect(status[0]).toMatchObject({ state: 'success', log_url: RUN, description: 'All 3 hosts run v0.10.1' });
  });

  test('a failed update records failure and leaves the version that still serves active', async () => {
    const octokit = client();
    const good = await startDeployment(octokit, repo, SHA, 'staging', 'v0.10.1', RUN);
    await finishDeployment(octokit, repo, good.deployment!, 'success', RUN);
    const bad = await startDeployment(octokit, repo, SHA, 'staging', 'v0.10.3-crash', RUN);
    expect(await finishDeployment(octokit, repo, bad.deployment!, 'failure', RUN)).toEqual([]);
    expect(await statesOf(bad.deployment!.id)).toEqual(['in_progress', 'failure']);
    expect(await statesOf(good.deployment!.id)).toEqual(['in_progress', 'success']);
  });

  test('without deployments permission: warnings, never an exception', async () => {
    const res = await startDeployment(client('read-only-token'), repo, SHA, 'production', 'v0.10.1', RUN);
    expect(res.deployment).toBeUndefined();
    expect(res.warning).toMatch(
      /^Could not create a deployment for environment production \(the job needs "permissions: deployments: write"\)/,
    );
    const ok = await startDeployment(client(), repo, SHA, 'production', 'v0.10.1', RUN);
    const warnings = await finishDeployment(client('read-only-token'), repo, ok.deployment!, 'success', RUN);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Could not record "success" for deployment \d+/);
  });
});

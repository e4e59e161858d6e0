import {
  findPullRequest,
  forkDryRunReason,
  isForkPullRequest,
  type EventContext,
  type GitHubClient,
} from '../../src/report/pr.js';
import { deploymentStateFor } from '../../src/report/deployment.js';

const repo = { owner: 'acme', repo: 'ops' };
const prPayload = (headRepo: string | null) => ({
  pull_request: {
    number: 12,
    head: { repo: headRepo === null ? null : { full_name: headRepo } },
    base: { repo: { full_name: 'acme/ops' } },
  },
});
const ctx = (eventName: string, payload: object, sha = 'abc'): EventContext => ({ eventName, payload, repo, sha });

/** A client that must not be asked: the event already answers. */
const silent = new Proxy(
  {},
  {
    get: () => {
      throw new Error('no API call expected');
    },
  },
) as GitHubClient;

describe('findPullRequest', () => {
  test('the pr-number input wins', async () => {
    expect(await findPullRequest(ctx('push', {}), 7, silent)).toEqual({ number: 7, source: 'input' });
  });

  test.each(['pull_request', 'pull_request_target'])('from a %s event', async (event) => {
    expect(await findPullRequest(ctx(event, prPayload('acme/ops')), undefined, silent)).toEqual({
      number: 12,
      source: 'event',
    });
  });

  test('from a comment on a pull request, not on an issue', async () => {
    const onPr = ctx('issue_comment', { issue: { number: 4, pull_request: { url: 'x' } } });
    expect(await findPullRequest(onPr, undefined, silent)).toEqual({ number: 4, source: 'event' });
    const calls: string[] = [];
    const client = {
      rest: {
        repos: {
          listPullRequestsAssociatedWithCommit: async (p: { commit_sha: string }) => {
            calls.push(p.commit_sha);
            return { data: [] };
          },
        },
      },
    } as unknown as GitHubClient;
    expect(
      await findPullRequest(ctx('issue_comment', { issue: { number: 5 } }, 'def'), undefined, client),
    ).toBeUndefined();
    expect(calls).toEqual(['def']);
  });
});

describe('fork pull requests', () => {
  test('a head repository other than the base is a fork', () => {
    expect(isForkPullRequest(ctx('pull_request', prPayload('mallory/ops')))).toBe(true);
    expect(isForkPullRequest(ctx('pull_request_target', prPayload('mallory/ops')))).toBe(true);
    expect(isForkPullRequest(ctx('pull_request', prPayload(null)))).toBe(true); // the fork was deleted
    expect(isForkPullRequest(ctx('pull_request', prPayload('ACME/ops')))).toBe(false);
    expect(isForkPullRequest(ctx('push', {}))).toBe(false);
  });

  test('the dry run says why', () => {
    expect(forkDryRunReason(ctx('pull_request', prPayload('mallory/ops')))).toBe(
      'Pull request #12 comes from mallory/ops: running as a dry run. Code from a fork never changes the hosts.',
    );
  });
});

describe('deploymentStateFor', () => {
  test('success when the hosts run the target, failure when an update failed, nothing for a dry run', () => {
    expect(deploymentStateFor('updated')).toBe('success');
    expect(deploymentStateFor('up-to-date')).toBe('success');
    expect(deploymentStateFor('rolled-back')).toBe('failure');
    expect(deploymentStateFor('failed')).toBe('failure');
    expect(deploymentStateFor('refused')).toBe('error');
    expect(deploymentStateFor('skipped')).toBe('error');
    expect(deploymentStateFor('planned')).toBeUndefined();
  });
});

/**
 * The pull request side: which PR a run belongs to, whether it comes from a fork, and the one sticky
 * comment per PR and environment that every run updates in place. Nothing here throws: a comment is
 * a courtesy, never a reason to fail an upgrade.
 */
import type { context as githubContext, getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;
/** The parts of `@actions/github`'s context used here (tests build their own). */
export type EventContext = Pick<typeof githubContext, 'eventName' | 'payload' | 'repo' | 'sha'>;
export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRequestTarget {
  number: number;
  /** Where the number came from, for the log. */
  source: 'input' | 'event' | 'commit';
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);

/**
 * The PR of this run: the `pr-number` input, else the event's PR (`pull_request`,
 * `pull_request_target`, `issue_comment` on a PR), else an open PR whose head is this commit.
 * Closed PRs found by commit are ignored: a release or push after a merge does not belong to one.
 */
export async function findPullRequest(
  context: EventContext,
  prNumberInput: number | undefined,
  octokit: GitHubClient,
): Promise<PullRequestTarget | undefined> {
  if (prNumberInput !== undefined) return { number: prNumberInput, source: 'input' };
  const fromEvent = eventPullRequest(context);
  if (fromEvent !== undefined) return { number: fromEvent, source: 'event' };
  if (!context.sha) return undefined;
  try {
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      ...context.repo,
      commit_sha: context.sha,
    });
    const open = data.find((pr) => pr.state === 'open');
    return open ? { number: open.number, source: 'commit' } : undefined;
  } catch {
    // No access to the commit's PRs (token scope, GHES without the endpoint): there is no PR to comment on.
    return undefined;
  }
}

function eventPullRequest(context: EventContext): number | undefined {
  const p = context.payload;
  if (PR_EVENTS.has(context.eventName) && typeof p.pull_request?.number === 'number') return p.pull_request.number;
  if (context.eventName === 'issue_comment' && p.issue?.pull_request && typeof p.issue.number === 'number') {
    return p.issue.number;
  }
  return undefined;
}

/** A PR whose head branch lives in another repository (a fork, or a fork since deleted). */
export function isForkPullRequest(context: EventContext): boolean {
  if (!PR_EVENTS.has(context.eventName)) return false;
  const pr = context.payload.pull_request as
    | { head?: { repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } } }
    | undefined;
  if (!pr) return false;
  const head = pr.head?.repo?.full_name;
  const base = pr.base?.repo?.full_name ?? `${context.repo.owner}/${context.repo.repo}`;
  return !head || head.toLowerCase() !== base.toLowerCase();
}

/** What the run tells the user when it turned itself into a dry run because of a fork. */
export function forkDryRunReason(context: EventContext): string {
  const pr = context.payload.pull_request as
    | { number?: number; head?: { repo?: { full_name?: string } | null } }
    | undefined;
  const from = pr?.head?.repo?.full_name ?? 'a deleted fork';
  return `Pull request #${pr?.number ?? '?'} comes from ${from}: running as a dry run. Code from a fork never changes the hosts.`;
}

export type CommentResult =
  | { action: 'created' | 'updated'; id: number; url: string }
  | { action: 'skipped'; warning: string };

/**
 * Creates the PR comment that starts with `marker`, or updates it in place when an earlier run left one,
 * so a PR carries one status comment per environment however often the workflow runs.
 */
export async function upsertStickyComment(
  octokit: GitHubClient,
  repo: RepoRef,
  pr: number,
  body: string,
  marker: string,
): Promise<CommentResult> {
  const text = body.startsWith(marker) ? body : `${marker}\n${body}`;
  try {
    let existing: number | undefined;
    for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
      ...repo,
      issue_number: pr,
      per_page: 100,
    })) {
      // Only a comment that begins with the marker is ours; one that merely quotes it is someone else's.
      existing = page.data.find((c) => (c.body ?? '').trimStart().startsWith(marker))?.id;
      if (existing !== undefined) break;
    }
    if (existing !== undefined) {
      const { data } = await octokit.rest.issues.updateComment({ ...repo, comment_id: existing, body: text });
      return { action: 'updated', id: data.id, url: data.html_url };
    }
    const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: pr, body: text });
    return { action: 'created', id: data.id, url: data.html_url };
  } catch (err) {
    return { action: 'skipped', warning: commentWarning(pr, err) };
  }
}

function commentWarning(pr: number, err: unknown): string {
  const status = (err as { status?: number }).status;
  const reason = err instanceof Error ? err.message : String(err);
  if (status === 403) {
    return `Could not comment on pull request #${pr}: the token may not write to pull requests (pull requests from forks get a read-only token; give the job "permissions: pull-requests: write" otherwise). ${reason}`;
  }
  if (status === 404) return `Could not comment on pull request #${pr}: not found with this token. ${reason}`;
  return `Could not comment on pull request #${pr}: ${reason}`;
}

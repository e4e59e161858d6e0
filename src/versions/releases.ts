/**
 * Reads the releases of the upstream repository (or a fork) through the toolkit's Octokit. The API base
 * is `releases-api-url`, which differs from the run's own API on GitHub Enterprise Server, and a token is
 * optional: public repositories can be read unauthenticated (at 60 requests per hour).
 */
import { getOctokit } from '@actions/github';
import { GitHub } from '@actions/github/lib/utils';
import type { Release } from './types.js';

export interface ReleaseSource {
  /** releases-api-url, e.g. https://api.github.com or https://ghe.example.com/api/v3 */
  apiUrl: string;
  owner: string;
  repo: string;
  token?: string;
  /** For the whole operation, all pages included: a hung API must not hang the run. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The fields of a GitHub release object (REST response or a `release` event payload) used here. */
export interface GitHubReleaseObject {
  tag_name: string;
  name?: string | null;
  body?: string | null;
  html_url: string;
  prerelease: boolean;
  draft?: boolean;
  published_at?: string | null;
}

/** Maps a GitHub release object, also the `release` of a release event's payload, to a Release. */
export function toRelease(r: GitHubReleaseObject): Release {
  return {
    tag: r.tag_name,
    name: r.name || r.tag_name,
    body: r.body ?? '',
    url: r.html_url,
    prerelease: r.prerelease,
    ...(r.published_at ? { publishedAt: r.published_at } : {}),
  };
}

/** A client for one operation, every request of which (all pages included) shares one deadline. */
function client(src: ReleaseSource) {
  const baseUrl = src.apiUrl.replace(/\/+$/, '');
  const octokit = src.token ? getOctokit(src.token, { baseUrl }) : new GitHub({ baseUrl });
  const signal = AbortSignal.timeout(src.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  // Set through a hook: octokit.paginate drops per-call request options.
  octokit.hook.before('request', (options) => {
    options.request = { ...options.request, signal };
  });
  return octokit;
}

/** Every published release of the repository, drafts excluded, in the API's order (newest first). */
export async function listReleases(src: ReleaseSource): Promise<Release[]> {
  const octokit = client(src);
  try {
    const all = await octokit.paginate(octokit.rest.repos.listReleases, {
      owner: src.owner,
      repo: src.repo,
      per_page: 100,
    });
    return all.filter((r) => !r.draft).map(toRelease);
  } catch (err) {
    throw describeError(err, src, 'list the releases of');
  }
}

/** One release by its exact tag; undefined when the repository has no published release with that tag. */
export async function getReleaseByTag(src: ReleaseSource, tag: string): Promise<Release | undefined> {
  const octokit = client(src);
  try {
    const { data } = await octokit.rest.repos.getReleaseByTag({
      owner: src.owner,
      repo: src.repo,
      tag,
    });
    return data.draft ? undefined : toRelease(data);
  } catch (err) {
    if (statusOf(err) !== 404) throw describeError(err, src, `read release ${tag} of`);
  }
  // GitHub answers 404 both for a missing tag and a missing repository: tell them apart.
  try {
    await octokit.rest.repos.get({
      owner: src.owner,
      repo: src.repo,
    });
  } catch (err) {
    throw describeError(err, src, `read release ${tag} of`);
  }
  return undefined;
}

function statusOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number'
    ? err.status
    : undefined;
}

function headersOf(err: unknown): Record<string, string | number | undefined> {
  if (typeof err !== 'object' || err === null || !('response' in err)) return {};
  const response = err.response as { headers?: Record<string, string | number | undefined> } | undefined;
  return response?.headers ?? {};
}

/** Turns an Octokit failure into one sentence naming the API URL, the repository and what to check. */
function describeError(err: unknown, src: ReleaseSource, action: string): Error {
  const repo = `${src.owner}/${src.repo}`;
  const where = `${repo} at ${src.apiUrl}`;
  const message = err instanceof Error ? err.message : String(err);
  const status = statusOf(err);
  const headers = headersOf(err);
  const hasResponse = typeof err === 'object' && err !== null && 'response' in err && err.response !== undefined;
  const timedOut = err instanceof Error && (err.cause as Error | undefined)?.name === 'TimeoutError';
  let text: string;
  if (timedOut) {
    text = `Could not ${action} ${where}: no answer within ${(src.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`;
  } else if (!hasResponse) {
    text = `Could not ${action} ${where}: ${message} (check releases-api-url and the runner's network)`;
  } else if (status === 404) {
    text =
      `Could not ${action} ${where}: repository not found (HTTP 404). Check the repository and ` +
      `releases-api-url inputs; a private repository also needs a github-token that can read it`;
  } else if (status === 401) {
    text = `Could not ${action} ${where}: the token was rejected (HTTP 401: ${message}). Check github-token`;
  } else if (
    (status === 403 || status === 429) &&
    (String(headers['x-ratelimit-remaining']) === '0' || /rate limit/i.test(message))
  ) {
    const reset = Number(headers['x-ratelimit-reset']);
    const when = Number.isFinite(reset) && reset > 0 ? `; it resets at ${new Date(reset * 1000).toISOString()}` : '';
    const hint = src.token ? '' : '. Unauthenticated requests are limited to 60 per hour: pass github-token';
    text = `Could not ${action} ${where}: API rate limit exceeded (HTTP ${status})${when}${hint}`;
  } else if (status === 403) {
    text = `Could not ${action} ${where}: access denied (HTTP 403: ${message}). Check github-token's permissions`;
  } else {
    text = `Could not ${action} ${where}: HTTP ${status}: ${message}`;
  }
  return new Error(text, { cause: err });
}

/**
 * GitHub deployments for the `environment` input: the environment page shows which New API version
 * runs there, since when, and links to the run that put it there. Errors (no `deployments: write`
 * permission, an environment rule) come back as warnings: bookkeeping never fails an upgrade.
 */
import type { GitHubClient, RepoRef } from './pr.js';
import type { RunResult } from './types.js';

export interface DeploymentRef {
  id: number;
  environment: string;
}

export type FinalState = 'success' | 'failure' | 'error';

export interface DeploymentStart {
  deployment?: DeploymentRef;
  warning?: string;
}

// GitHub rejects longer deployment and status descriptions.
const DESCRIPTION_MAX = 140;
// Older successful deployments were made inactive by the run that succeeded after them.
const PREVIOUS_SCAN = 10;

/** Creates the deployment of `version` at `ref` and marks it `in_progress`. */
export async function startDeployment(
  octokit: GitHubClient,
  repo: RepoRef,
  ref: string,
  environment: string,
  version: string,
  logUrl?: string,
): Promise<DeploymentStart> {
  try {
    const { data } = await octokit.rest.repos.createDeployment({
      ...repo,
      ref,
      environment,
      task: 'deploy',
      // The deployment records a run of this action; it must not merge branches or wait on commit statuses.
      auto_merge: false,
      required_contexts: [],
      payload: { version },
      description: describe(`New API ${version}`),
      transient_environment: false,
    });
    if (!('id' in data))
      return { warning: `GitHub did not create a deployment for ${environment}: ${data.message ?? 'no reason given'}` };
    const deployment = { id: data.id, environment };
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: data.id,
      state: 'in_progress',
      description: describe(`Updating to New API ${version}`),
      ...(logUrl ? { log_url: logUrl } : {}),
    });
    return { deployment };
  } catch (err) {
    return { warning: deploymentWarning(`create a deployment for environment ${environment}`, err) };
  }
}

/**
 * Records how the deployment ended. On success, the environment's previous successful deployments are
 * marked `inactive` here rather than by GitHub's `auto_inactive`, which skips production environments.
 */
export async function finishDeployment(
  octokit: GitHubClient,
  repo: RepoRef,
  deployment: DeploymentRef,
  state: FinalState,
  logUrl?: string,
  description?: string,
): Promise<string[]> {
  try {
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: deployment.id,
      state,
      auto_inactive: false,
      ...(description ? { description: describe(description) } : {}),
      ...(logUrl ? { log_url: logUrl } : {}),
    });
  } catch (err) {
    return [deploymentWarning(`record "${state}" for deployment ${deployment.id}`, err)];
  }
  if (state !== 'success') return [];
  try {
    await deactivatePrevious(octokit, repo, deployment);
    return [];
  } catch (err) {
    return [deploymentWarning(`mark the previous deployment of ${deployment.environment} inactive`, err)];
  }
}

/** The final deployment state for a run result; undefined when nothing was deployed (dry run). */
export function deploymentStateFor(result: RunResult): FinalState | undefined {
  switch (result) {
    case 'updated':
    case 'up-to-date':
      return 'success';
    case 'rolled-back':
    case 'failed':
      return 'failure';
    case 'refused':
    case 'skipped':
      return 'error';
    case 'planned':
      return undefined;
  }
}

async function deactivatePrevious(octokit: GitHubClient, repo: RepoRef, current: DeploymentRef): Promise<void> {
  const { data: deployments } = await octokit.rest.repos.listDeployments({
    ...repo,
    environment: current.environment,
    per_page: PREVIOUS_SCAN,
  });
  for (const d of deployments) {
    if (d.id === current.id) continue;
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
      ...repo,
      deployment_id: d.id,
      per_page: 1,
    });
    if (statuses[0]?.state === 'success') {
      await octokit.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id: d.id,
        state: 'inactive',
        description: describe('Replaced by a newer deployment'),
      });
    }
  }
}

function describe(text: string): string {
  return text.length <= DESCRIPTION_MAX ? text : `${text.slice(0, DESCRIPTION_MAX - 1)}…`;
}

function deploymentWarning(what: string, err: unknown): string {
  const status = (err as { status?: number }).status;
  const reason = err instanceof Error ? err.message : String(err);
  const hint = status === 403 || status === 404 ? ' (the job needs "permissions: deployments: write")' : '';
  return `Could not ${what}${hint}: ${reason}`;
}

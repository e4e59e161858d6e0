/**
 * Where the finished report goes: step outputs, job summary, annotations, the sticky PR comment, the
 * deployment status, and (outside GitHub, or always in the log) the terminal rendering. Secrets are
 * masked out of the report first: comments and outputs are not masked by the runner.
 */
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { Settings } from '../settings.js';
import type { Masker } from '../ssh/secrets.js';
import { annotate } from './annotations.js';
import { finishDeployment, deploymentStateFor, type DeploymentRef } from './deployment.js';
import { commentMarker, renderComment } from './markdown.js';
import { writeOutputs } from './outputs.js';
import { findPullRequest, upsertStickyComment } from './pr.js';
import { redactReport } from './redact.js';
import { writeJobSummary } from './summary.js';
import { renderTerminal } from './terminal.js';
import type { RunReport } from './types.js';

const FAILED: ReadonlySet<RunReport['result']> = new Set(['rolled-back', 'failed', 'refused']);

export async function publishReport(
  raw: RunReport,
  settings: Settings | undefined,
  masker: Masker,
  deployment?: DeploymentRef,
): Promise<void> {
  const report = redactReport(raw, (t) => masker.mask(t));
  writeOutputs(report);
  core.info(renderTerminal(report, { color: process.env.GITHUB_ACTIONS === 'true' || Boolean(process.stdout.isTTY) }));
  try {
    await writeJobSummary(report);
  } catch (e) {
    core.warning(`could not write the job summary: ${(e as Error).message}`);
  }
  annotate(report);
  if (settings) await github_(report, settings, deployment);
  if (FAILED.has(report.result)) core.setFailed(report.message || `result: ${report.result}`);
}

async function github_(report: RunReport, settings: Settings, deployment?: DeploymentRef): Promise<void> {
  if (!settings.githubToken) return;
  const octokit = github.getOctokit(settings.githubToken);
  const repo = github.context.repo;
  if (deployment) {
    const state = deploymentStateFor(report.result);
    if (state) {
      for (const w of await finishDeployment(octokit, repo, deployment, state, report.runUrl, report.message))
        core.warning(w);
    }
  }
  const want = settings.commentOnPr;
  if (want === 'false') return;
  const pr = await findPullRequest(github.context, settings.prNumber, octokit);
  if (!pr) {
    if (want === 'true')
      core.warning('comment-on-pr is true but no pull request was found for this run (set pr-number)');
    return;
  }
  const marker = commentMarker(settings.environment);
  const res = await upsertStickyComment(octokit, repo, pr.number, renderComment(report), marker);
  if (res.action === 'skipped') core.warning(res.warning);
  else core.info(`PR #${pr.number}: comment ${res.action} (${res.url})`);
}

/** Writes the job summary (the page shown on the run) from the report. */
import * as core from '@actions/core';
import { renderSummary } from './markdown.js';
import type { RunReport } from './types.js';

/** Appends the report to this step's summary; outside GitHub (no GITHUB_STEP_SUMMARY) it does nothing. */
export async function writeJobSummary(report: RunReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(renderSummary(report), true).write();
}

/** Writes the job summary (the page shown on the run) from the report. */
import { statSync } from 'node:fs';
import * as core from '@actions/core';
import { renderSummary, SUMMARY_BUDGET_BYTES, SUMMARY_LIMIT_BYTES } from './markdown.js';
import type { RunReport } from './types.js';

/**
 * Appends the report to this step's summary, sized to what the step has not used yet (GitHub's limit
 * is per step). Outside GitHub (no GITHUB_STEP_SUMMARY) it does nothing.
 */
export async function writeJobSummary(report: RunReport): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  let used = 0;
  try {
    used = statSync(file).size;
  } catch {
    // Not created yet: core.summary creates it.
  }
  const maxBytes = Math.min(SUMMARY_BUDGET_BYTES, SUMMARY_LIMIT_BYTES - used - 4_096);
  await core.summary.addRaw(renderSummary(report, { maxBytes }), true).write();
}

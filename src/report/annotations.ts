/**
 * Annotations (the red and yellow boxes on the run page and the PR's checks tab) for what went wrong.
 * GitHub shows at most 10 error and 10 warning annotations per step and drops the rest silently,
 * so beyond that the last box of each kind says how many more there are.
 */
import * as core from '@actions/core';
import { clip, plainLine, plainLines } from './escape.js';
import { outcomeLook, resultTitle } from './format.js';
import type { RunReport } from './types.js';

export interface Annotation {
  level: 'error' | 'warning';
  title: string;
  message: string;
}

/** GitHub's per-step limit for each of errors and warnings. */
export const ANNOTATIONS_PER_LEVEL = 10;
const MESSAGE_MAX = 4_000;
const TITLE = 'New API update';

export function annotationsFor(report: RunReport): Annotation[] {
  const errors: Annotation[] = [];
  const failed = report.result === 'failed' || report.result === 'rolled-back' || report.result === 'refused';
  // The run's own message is the step's failure line (core.setFailed in publish.ts): not repeated here.
  for (const e of report.errors) if (e !== report.message) errors.push({ level: 'error', title: TITLE, message: e });
  for (const h of report.hosts.filter((x) => outcomeLook(x.outcome).tone === 'bad' || x.error)) {
    const failedChecks = h.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.detail}`);
    const recovery = h.manualRecovery?.length ? ['Manual recovery needed:', ...h.manualRecovery] : [];
    errors.push({
      level: 'error',
      title: `${TITLE}: ${h.name} ${outcomeLook(h.outcome).label}`,
      message: [h.error ?? '', ...failedChecks, ...recovery].filter(Boolean).join('\n') || outcomeLook(h.outcome).label,
    });
  }
  // A failed run always says why, even when neither the step's failure line nor a host carries the reason.
  if (failed && errors.length === 0 && !report.message)
    errors.push({ level: 'error', title: resultTitle(report), message: report.result });
  const warnings = report.warnings.map((w): Annotation => ({ level: 'warning', title: TITLE, message: w }));
  return [...cap(errors, 'error'), ...cap(warnings, 'warning')].map(sanitize);
}

export function annotate(report: RunReport): void {
  for (const a of annotationsFor(report)) {
    if (a.level === 'error') core.error(a.message, { title: a.title });
    else core.warning(a.message, { title: a.title });
  }
}

function cap(list: Annotation[], level: Annotation['level']): Annotation[] {
  if (list.length <= ANNOTATIONS_PER_LEVEL) return list;
  const shown = list.slice(0, ANNOTATIONS_PER_LEVEL - 1);
  const rest = list.slice(ANNOTATIONS_PER_LEVEL - 1);
  return [
    ...shown,
    {
      level,
      title: `${TITLE}: ${rest.length} more ${level}s`,
      message: `${rest.map((a) => `${a.title}: ${a.message.split('\n', 1)[0] ?? ''}`).join('\n')}\n(see the job summary for all of them)`,
    },
  ];
}

function sanitize(a: Annotation): Annotation {
  return {
    level: a.level,
    title: clip(plainLine(a.title), 200),
    message: clip(plainLines(a.message).join('\n'), MESSAGE_MAX),
  };
}

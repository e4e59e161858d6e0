/**
 * Running the bundled action for the bad-input and secret-scan suites, on top of bed.ts's runAction: which
 * bundle, the runner's context without bed.ts's input defaults (a case must control every input), running
 * it inside a runner network namespace, and reading what the runner would show.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUTPUT_NAMES } from '../../../src/inputs/defaults.js';
import { REPO_ROOT, actionEnv, runAction, type ActionRun, type Bed } from '../bed.js';
import type { RunnerNetns } from './runner-netns.js';

/**
 * The bundle under test: the committed dist/index.js, or NAU_ACTION_BUNDLE (a fresh `ncc build` elsewhere,
 * to test a change before dist/ is rebuilt).
 */
export function actionBundle(): string {
  return process.env.NAU_ACTION_BUNDLE ?? join(REPO_ROOT, 'dist/index.js');
}

/** The GITHUB_* / RUNNER_* context bed.ts gives a run, without any INPUT_* variable. */
export function runnerContext(bed: Bed, overrides: Record<string, string> = {}): Record<string, string> {
  const context = Object.entries(actionEnv(bed, { hosts: '-' })).filter(([name]) => !name.startsWith('INPUT_'));
  return { ...Object.fromEntries(context), ...overrides };
}

const NETNS_EXEC = fileURLToPath(new URL('./netns-exec.mjs', import.meta.url));

/** Runs the bundle with exactly `env` (plus the runner's files), inside `netns` when given. */
export function runBundle(env: Record<string, string>, opts: { netns?: RunnerNetns; timeoutMs?: number } = {}) {
  if (!opts.netns) return runAction(env, { entry: actionBundle(), timeoutMs: opts.timeoutMs });
  return runAction(
    { ...env, NAU_NETNS: opts.netns.name, NAU_NETNS_ENTRY: actionBundle() },
    { entry: NETNS_EXEC, timeoutMs: opts.timeoutMs },
  );
}

/**
 * stdout as the runner shows it in the log: `::add-mask::` commands are consumed by the runner (they carry
 * the very secrets they hide, by design), everything else is shown.
 */
export function shownStdout(run: ActionRun): string {
  return run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

/** The names of the step's outputs (the contract's), sorted. */
export function outputNames(): string[] {
  return [...OUTPUT_NAMES].sort();
}

/** Every place a run writes to that someone reads: the log, stderr, outputs, job summary, saved state. */
export function runOutputs(run: ActionRun): Record<string, string> {
  return {
    stdout: shownStdout(run),
    stderr: run.stderr,
    GITHUB_OUTPUT: JSON.stringify(run.outputs),
    GITHUB_STEP_SUMMARY: run.summary,
    GITHUB_STATE: JSON.stringify(run.state),
  };
}

/** A secret as it may appear in text: itself, escaped inside a JSON string, URL-encoded. */
export function secretForms(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])];
}

/** `where` for each place in `places` that holds some form of some secret, as "name in place". */
export function findSecrets(secrets: Record<string, string>, places: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    for (const [where, text] of Object.entries(places)) {
      if (secretForms(secret).some((form) => text.includes(form))) found.push(`${name} in ${where}`);
    }
  }
  return found;
}

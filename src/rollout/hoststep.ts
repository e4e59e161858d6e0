/**
 * The detached host step. The part of an update that takes a node down (stop, swap, start) and its
 * undo run ON THE HOST as one background process, so that a cancelled runner (GitHub allows ~10 s)
 * or a dropped SSH connection can never leave a node stopped:
 *
 *   apply   → state "applied", then waits for the action's verdict (a file) until a deadline:
 *               keep   → state "held"      (new version serving, old kept for a cluster rollback)
 *               revert → runs revert        → "reverted" | "revert-failed"
 *               (no verdict by the deadline: the action is gone → revert, as a dead-man switch)
 *             a failing apply reverts at once → "apply-failed-reverted" | "revert-failed"
 *   revert  → for a held node during a cluster rollback → "reverted" | "revert-failed"
 *   finalize→ after the whole run passed: remove kept old container/binary → "finalized"
 *
 * Everything here is pure: it returns the script text and the commands that start and read it.
 */
import { DEFAULT_STATE_DIR, instanceDirName } from '../ssh/lock.js';
import { shq } from '../ssh/quote.js';
import type { RemoteCommand } from '../ssh/types.js';
import type { SwapScripts } from '../methods/types.js';
import type { HostSpec } from '../settings.js';

export type StepMode = 'apply' | 'revert' | 'finalize';
export type StepState =
  | 'starting'
  | 'applying'
  | 'applied'
  | 'held'
  | 'reverting'
  | 'reverted'
  | 'apply-failed-reverted'
  | 'revert-failed'
  | 'finalizing'
  | 'finalized'
  | 'finalize-failed';

/** States after which the step's process has exited. */
export const FINAL_STATES: ReadonlySet<StepState> = new Set([
  'held',
  'reverted',
  'apply-failed-reverted',
  'revert-failed',
  'finalized',
  'finalize-failed',
]);

/** The action's working directory for one New API instance on its host (env file, compose copy, host step). */
export function instanceDir(host: HostSpec): string {
  return `${DEFAULT_STATE_DIR}/instances/${instanceDirName(host)}`;
}

/**
 * Removes what `prepare` left beside the host step (the new container's env file, the next compose file)
 * on a node that was never swapped: they can hold secrets and must not outlive the run.
 */
export function discardPreparedCommand(host: HostSpec): RemoteCommand {
  return {
    label: 'remove the prepared files of a node that was not updated',
    script: `find ${shq(instanceDir(host))} -maxdepth 1 -type f -delete 2>/dev/null || true`,
    privileged: true,
    allowFailure: true,
  };
}

export function stepDir(host: HostSpec): string {
  return `${instanceDir(host)}/step`;
}

/**
 * The host-side script. `verdictDeadlineSeconds` bounds how long an applied node waits for the
 * action's verdict before reverting on its own.
 */
export function hostStepScript(dir: string, scripts: SwapScripts, verdictDeadlineSeconds: number): string {
  const d = shq(dir);
  return `#!/bin/sh
# new-api-update-action host step. Runs detached; see ${dir}/state and ${dir}/step.log.
set -u
D=${d}
say() { printf '%s\\n' "$1" > "$D/state.tmp" && mv -f "$D/state.tmp" "$D/state"; printf '%s %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" >> "$D/step.log"; }
do_apply() (
set -eu
${scripts.apply}
)
do_revert() (
set -eu
${scripts.revert}
)
do_finalize() (
set -eu
${scripts.finalize}
)
# Each body runs as a plain command, never as an if/! condition: sh ignores set -e inside conditions.
revert_now() {
  say reverting
  do_revert >> "$D/step.log" 2>&1
  if [ $? -eq 0 ]; then say "$1"; else say revert-failed; fi
}
mode="$1"
echo $$ > "$D/pid"
case "$mode" in
apply)
  rm -f "$D/verdict"
  say applying
  do_apply >> "$D/step.log" 2>&1
  if [ $? -ne 0 ]; then revert_now apply-failed-reverted; rm -f "$D/pid"; exit 1; fi
  say applied
  deadline=$(( $(date +%s) + ${Math.max(1, Math.floor(verdictDeadlineSeconds))} ))
  verdict=timeout
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if [ -f "$D/verdict" ]; then verdict=$(cat "$D/verdict"); break; fi
    sleep 0.2 2>/dev/null || sleep 1
  done
  case "$verdict" in
  keep) say held ;;
  *) printf 'verdict: %s\\n' "$verdict" >> "$D/step.log"; revert_now reverted ;;
  esac
  ;;
revert) revert_now reverted ;;
finalize)
  say finalizing
  do_finalize >> "$D/step.log" 2>&1
  if [ $? -eq 0 ]; then say finalized; else say finalize-failed; fi
  ;;
esac
rm -f "$D/pid"
`;
}

/** Writes the step script via stdin, so no value is ever on a command line. */
export function writeStepCommand(dir: string, script: string): RemoteCommand {
  const d = shq(dir);
  return {
    label: 'write host step',
    script: `mkdir -p ${d} && chmod 700 ${d} && cat > ${d}/step.sh && chmod 700 ${d}/step.sh`,
    stdin: script,
    privileged: true,
  };
}

/**
 * Starts the step detached (setsid + nohup + closed fds): it survives the SSH session and the runner.
 * Only the launch itself is backgrounded: a backgrounded `a && b &` list would keep the SSH channel's
 * stdout open in its subshell until the step ends, and the command would never return.
 */
export function launchStepCommand(dir: string, mode: StepMode): RemoteCommand {
  const d = shq(dir);
  return {
    label: `start host step (${mode})`,
    script: [
      `printf 'starting\\n' > ${d}/state || exit 1`,
      'cd /',
      `setsid nohup sh ${d}/step.sh ${shq(mode)} < /dev/null > /dev/null 2>&1 &`,
    ].join('\n'),
    privileged: true,
  };
}

export function readStateCommand(dir: string): RemoteCommand {
  return {
    label: 'read host step state',
    script: `cat ${shq(dir)}/state 2>/dev/null || echo missing`,
    privileged: true,
    quiet: true,
    allowFailure: true,
  };
}

export function writeVerdictCommand(dir: string, verdict: 'keep' | 'revert'): RemoteCommand {
  const d = shq(dir);
  return {
    label: `verdict: ${verdict}`,
    script: `printf '%s\\n' ${shq(verdict)} > ${d}/verdict.tmp && mv -f ${d}/verdict.tmp ${d}/verdict`,
    privileged: true,
  };
}

export function stepLogCommand(dir: string): RemoteCommand {
  return {
    label: 'read host step log',
    script: `tail -n 50 ${shq(dir)}/step.log 2>/dev/null || true`,
    privileged: true,
    quiet: true,
    allowFailure: true,
  };
}

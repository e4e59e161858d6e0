/**
 * What an interrupted earlier run left on a node, settled before anything else happens (the main step's
 * preflight, and the post step): the host step's last state says what the node is doing.
 *   held            passed its checks, old version kept → finalize (the earlier run's success stands),
 *                   unless that run had already decided to roll it back (verdict revert) → revert
 *   applied         new version up but never confirmed → revert (nobody checked it)
 *   applying / reverting / finalizing, step still running → wait for it
 *   revert-failed   → refuse, with the commands to recover by hand
 * Final states with nothing kept (reverted, finalized) need nothing.
 */
import type { Executor } from '../ssh/types.js';
import type { HostSpec } from '../settings.js';
import { shq } from '../ssh/quote.js';
import {
  FINAL_STATES,
  launchStepCommand,
  readStateCommand,
  stepDir,
  writeVerdictCommand,
  type StepState,
} from './hoststep.js';
import type { Logger } from './ports.js';

export interface ReconcileOptions {
  log: Logger;
  /** How long to wait for a host step that is still running. */
  timeoutMs: number;
  pollMs?: number;
}

/** Reads the step state, and whether its process is still alive. */
async function readStep(exec: Executor, dir: string): Promise<{ state: string; alive: boolean }> {
  const state = (await exec.run(readStateCommand(dir))).stdout.trim();
  const alive =
    (
      await exec.run({
        label: 'is the host step running',
        script: `p=$(cat ${shq(dir)}/pid 2>/dev/null) && kill -0 "$p" 2>/dev/null && echo alive || echo gone`,
        privileged: true,
        quiet: true,
        allowFailure: true,
      })
    ).stdout.trim() === 'alive';
  return { state, alive };
}

/** The verdict the action last gave the node: `keep`, or `revert` once the run decided to roll it back. */
async function verdict(exec: Executor, dir: string): Promise<string> {
  const r = await exec.run({
    label: 'read the verdict of the host step',
    script: `cat ${shq(dir)}/verdict 2>/dev/null || true`,
    privileged: true,
    quiet: true,
    allowFailure: true,
  });
  return r.stdout.trim();
}

export async function reconcileNode(
  exec: Executor,
  host: HostSpec,
  opts: ReconcileOptions,
): Promise<string | undefined> {
  const dir = stepDir(host);
  const end = Date.now() + opts.timeoutMs;
  const wait = async (): Promise<string> => {
    for (;;) {
      const s = await readStep(exec, dir);
      if (FINAL_STATES.has(s.state as StepState) || !s.alive) return s.state;
      if (Date.now() > end) throw new Error(`[${host.name}] the host step of an earlier run is still '${s.state}'`);
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
    }
  };
  const first = await readStep(exec, dir);
  const alive = first.alive;
  let state = first.state;
  if (state === 'missing') return undefined;
  if (!FINAL_STATES.has(state as StepState) && alive && state !== 'applied') state = await wait();
  if (state === 'applied') {
    opts.log.warn(`[${host.name}] an earlier run left this node on an unconfirmed new version: reverting it`);
    if (alive) await exec.run(writeVerdictCommand(dir, 'revert'));
    else await exec.run(launchStepCommand(dir, 'revert'));
    state = await wait();
  } else if (state === 'held' && (await verdict(exec, dir)) === 'revert') {
    opts.log.warn(`[${host.name}] an earlier run was rolling this node back when it stopped: finishing the rollback`);
    await exec.run(launchStepCommand(dir, 'revert'));
    state = await wait();
  } else if (state === 'held') {
    opts.log.info(`[${host.name}] an earlier run updated this node and it passed its checks: finishing its clean-up`);
    await exec.run(launchStepCommand(dir, 'finalize'));
    state = await wait();
  }
  if (state === 'revert-failed' || state === 'finalize-failed' || !FINAL_STATES.has(state as StepState)) {
    throw new Error(
      `[${host.name}] an earlier run's host step ended '${state}'; recover by hand first: ` +
        `sudo tail -n 100 ${dir}/step.log; sudo sh ${dir}/step.sh revert`,
    );
  }
  return state;
}

/**
 * The action's post step (runs even when the job was cancelled): for every host the main step left
 * unfinished, settle its host step and release the lock. A node whose step is still waiting for a
 * verdict is told to revert (the main step is gone, so nobody will check it); a node that passed and is
 * held on the new version is finalized; then the lock this run holds is released.
 */
import * as core from '@actions/core';
import { readSettings } from './inputs.js';
import {
  FINAL_STATES,
  launchStepCommand,
  readStateCommand,
  stepDir,
  writeVerdictCommand,
} from './rollout/hoststep.js';
import { loadRunState } from './rollout/run-state.js';
import { releaseLock } from './ssh/lock.js';
import { Masker } from './ssh/secrets.js';
import { connector, maskedLogger } from './wiring.js';

export async function post(): Promise<void> {
  try {
    await settle();
  } catch (e) {
    core.warning(`post step: ${(e as Error).message}`);
  }
}

async function settle(): Promise<void> {
  const state = loadRunState();
  if (!state || state.hosts.length === 0 || state.dryRun) return;
  const settings = readSettings();
  const masker = new Masker((v) => core.setSecret(v));
  for (const s of settings.secrets) masker.add(s);
  const log = maskedLogger(masker);
  const connect = connector(settings, masker, log);
  await Promise.allSettled(
    settings.hosts
      .filter((h) => state.hosts.includes(h.name))
      .map(async (host) => {
        const exec = await connect(host);
        try {
          const dir = stepDir(host);
          const s = (await exec.run(readStateCommand(dir))).stdout.trim();
          if (s === 'applied') {
            log.warn(`[${host.name}] the run ended before its checks finished: reverting this node`);
            await exec.run(writeVerdictCommand(dir, 'revert'));
          } else if (s === 'held') {
            log.info(`[${host.name}] passed its checks before the run ended: removing the kept old version`);
            await exec.run(launchStepCommand(dir, 'finalize'));
          } else if (!FINAL_STATES.has(s as never) && s !== 'missing') {
            log.warn(`[${host.name}] host step is '${s}': it finishes or reverts by itself; see ${dir}/step.log`);
          }
          const released = await releaseLock(exec, state.owner);
          if (released.status === 'released') log.info(`[${host.name}] released the deployment lock`);
        } finally {
          await exec.close();
        }
      }),
  ).then((results) =>
    results.forEach((r) => {
      if (r.status === 'rejected') core.warning(masker.mask(`post: ${(r.reason as Error).message}`));
    }),
  );
}

/**
 * The action's post step (runs even when the job was cancelled): for every host the main step left
 * unfinished, settle its host step (rollout/reconcile.ts: an unconfirmed node is reverted, a node that
 * passed is finalized) and release the lock this run holds.
 */
import * as core from '@actions/core';
import { readSettings } from './inputs.js';
import { reconcileNode } from './rollout/reconcile.js';
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
          // A node that cannot be settled now is settled by the next run's preflight (or refused there,
          // with the commands to recover): the lock is released on every path.
          await reconcileNode(exec, host, { log, timeoutMs: 60_000 }).catch((e: Error) =>
            log.warn(`[${host.name}] ${e.message}`),
          );
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

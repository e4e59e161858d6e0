/**
 * What the main step leaves for the post step (`core.saveState`): which hosts it connected to and who
 * owns the locks, so that `post` can reconcile and release after a cancelled or crashed run.
 */
import * as core from '@actions/core';
import type { LockOwner } from '../ssh/lock.js';

export interface RunState {
  owner: LockOwner;
  /** Hosts (inventory names) whose lock and host steps may need attention. Empty after a clean end. */
  hosts: string[];
  dryRun: boolean;
}

const KEY = 'run-state';

export function saveRunState(state: RunState): void {
  core.saveState(KEY, JSON.stringify(state));
}

export function loadRunState(): RunState | undefined {
  const raw = core.getState(KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as RunState;
  } catch {
    return undefined;
  }
}

/**
 * The per-host deployment lock: one per New API instance (container, compose project or source dir), so
 * two runs never change the same instance at once. A directory made by `mkdir` (atomic on every POSIX
 * filesystem) under the state dir, holding who took it: repository, workflow run, attempt, job, runner,
 * time. Command builders are pure; `acquireLock`/`releaseLock` run them through an Executor.
 */
import { createHash } from 'node:crypto';
import type { HostSpec } from '../settings.js';
import { shq } from './quote.js';
import type { Executor, RemoteCommand } from './types.js';

export const DEFAULT_STATE_DIR = '/var/lib/new-api-update';

/** Who runs this deployment. Built by the action from GITHUB_* variables. */
export interface LockOwner {
  repository: string;
  runId: string;
  attempt: number;
  job?: string;
  runner?: string;
  actor?: string;
  /** Link to the run, shown to whoever finds the lock held. */
  runUrl?: string;
}

/** The lock's owner file as read back: anything may be missing if another tool wrote it. */
export interface LockHolder extends Partial<LockOwner> {
  time?: string;
}

export interface LockOptions {
  timeoutMs: number;
  breakLock: boolean;
  /** How often to look again while waiting. Default 5000. */
  pollMs?: number;
  stateDir?: string;
  log?: (line: string) => void;
}

export interface AcquiredLock {
  dir: string;
  /** Set when the lock was taken over instead of found free. */
  tookOver?: { holder: LockHolder; reason: 'same-run' | 'break-lock' };
}

export class LockHeldError extends Error {
  constructor(
    readonly hostName: string,
    readonly dir: string,
    readonly holder: LockHolder | undefined,
    waitedMs: number,
  ) {
    super(
      `[${hostName}] the deployment lock ${dir} is held by ${describeHolder(holder)}; waited ` +
        `${Math.round(waitedMs / 1000)} s (lock-timeout). If that run is gone, re-run with break-lock: true.`,
    );
    this.name = 'LockHeldError';
  }
}

/** The New API instance a host entry deploys: what the lock protects. */
export function instanceKey(host: HostSpec): string {
  switch (host.method) {
    case 'docker':
      return `docker:${host.container}`;
    case 'compose':
      return `compose:${host.projectDir ?? ''}:${host.service}`;
    case 'source':
      return `source:${host.sourceDir ?? ''}`;
  }
}

/** The instance as a file name: readable for an operator listing the state dir, and unique thanks to the hash. */
export function instanceDirName(host: HostSpec): string {
  const key = instanceKey(host);
  const slug = key.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return `${slug}-${hash}`;
}

export function lockDir(host: HostSpec, stateDir = DEFAULT_STATE_DIR): string {
  return `${stateDir}/locks/${instanceDirName(host)}`;
}

/** The identity a release must match: one job execution of one run attempt. */
function identity(o: LockHolder): string {
  return JSON.stringify([o.repository ?? '', o.runId ?? '', o.attempt ?? 0, o.job ?? '', o.runner ?? '']);
}

function ownerJson(owner: LockOwner, now: Date): string {
  return JSON.stringify({ ...owner, time: now.toISOString() });
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder || !holder.repository) return 'an unknown owner (no readable owner file)';
  const parts = [`${holder.repository} run ${holder.runId} attempt ${holder.attempt}`];
  const extra = [
    holder.job && `job ${holder.job}`,
    holder.runner && `runner ${holder.runner}`,
    holder.actor && `started by ${holder.actor}`,
    holder.time && `since ${holder.time}`,
  ].filter(Boolean);
  if (extra.length) parts.push(`(${extra.join(', ')})`);
  if (holder.runUrl) parts.push(holder.runUrl);
  return parts.join(' ');
}

/**
 * Whether `owner` may take over a lock `holder` has: a re-run (another attempt) of the same workflow
 * run, or the same job itself (its post step, a retry); or anyone with break-lock. Another job of the
 * same attempt (a matrix sibling) waits like any other run.
 */
export function takeOverReason(
  holder: LockHolder | undefined,
  owner: LockOwner,
  breakLock: boolean,
): 'same-run' | 'break-lock' | undefined {
  if (holder && holder.repository === owner.repository && holder.runId === owner.runId) {
    if (holder.attempt !== owner.attempt) return 'same-run';
    if ((holder.job ?? '') === (owner.job ?? '') && (holder.runner ?? '') === (owner.runner ?? '')) return 'same-run';
  }
  return breakLock ? 'break-lock' : undefined;
}

function writeOwnerScript(owner: LockOwner, now: Date): string {
  return (
    `printf '%s\\n' ${shq(identity(owner))} > "$d/id.tmp" && mv -f "$d/id.tmp" "$d/id" && ` +
    `printf '%s\\n' ${shq(ownerJson(owner, now))} > "$d/owner.tmp" && mv -f "$d/owner.tmp" "$d/owner"`
  );
}

const SHOW_HOLDER = `printf 'id=%s\\n' "$(cat "$d/id" 2>/dev/null)"; printf 'owner=%s\\n' "$(cat "$d/owner" 2>/dev/null)"`;

/** Takes the lock if free. Prints `acquired`, or `held` and the holder. */
export function tryLockCommand(
  host: HostSpec,
  owner: LockOwner,
  now: Date,
  stateDir = DEFAULT_STATE_DIR,
): RemoteCommand {
  const dir = lockDir(host, stateDir);
  return {
    label: 'take the deployment lock',
    privileged: true,
    script:
      `d=${shq(dir)}; mkdir -p "\${d%/*}" || exit 1; ` +
      // A lock whose owner could not be written would block every run until broken: undo it.
      `if mkdir "$d" 2>/dev/null; then if ${writeOwnerScript(owner, now)}; then echo acquired; ` +
      `else rm -rf "$d"; exit 1; fi; ` +
      `else echo held; ${SHOW_HOLDER}; fi`,
  };
}

/**
 * Overwrites the holder, but only if the lock is still the one we saw (`seenId`): prints `taken`, or
 * `changed` when it was released or taken by someone else meanwhile.
 */
export function takeOverLockCommand(
  host: HostSpec,
  owner: LockOwner,
  seenId: string,
  now: Date,
  stateDir = DEFAULT_STATE_DIR,
): RemoteCommand {
  return {
    label: 'take over the deployment lock',
    privileged: true,
    script:
      `d=${shq(lockDir(host, stateDir))}; ` +
      `if [ ! -d "$d" ] || [ "$(cat "$d/id" 2>/dev/null)" != ${shq(seenId)} ]; then echo changed; exit 0; fi; ` +
      `${writeOwnerScript(owner, now)} && echo taken`,
  };
}

/** Removes the lock only if `owner` holds it. Prints `released`, `absent`, or `other` and the holder. */
export function releaseLockCommand(host: HostSpec, owner: LockOwner, stateDir = DEFAULT_STATE_DIR): RemoteCommand {
  return {
    label: 'release the deployment lock',
    privileged: true,
    script:
      `d=${shq(lockDir(host, stateDir))}; ` +
      `if [ "$(cat "$d/id" 2>/dev/null)" = ${shq(identity(owner))} ]; then rm -rf "$d" && echo released; ` +
      `elif [ -d "$d" ]; then echo other; ${SHOW_HOLDER}; else echo absent; fi`,
  };
}

interface LockState {
  status: string;
  id: string;
  holder?: LockHolder;
}

export function parseLockOutput(stdout: string): LockState {
  const lines = stdout.split('\n');
  const field = (name: string) => lines.find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1) ?? '';
  let holder: LockHolder | undefined;
  try {
    const parsed: unknown = JSON.parse(field('owner'));
    if (parsed && typeof parsed === 'object') holder = parsed as LockHolder;
  } catch {
    // no owner file yet (being written) or not ours: reported as an unknown owner
  }
  return { status: lines[0].trim(), id: field('id'), holder };
}

/**
 * Takes the instance's lock on `exec`'s host, waiting up to `timeoutMs` for another run to release it.
 * Takes it over from a re-run of this workflow run, or from anyone with `breakLock`, saying from whom.
 */
export async function acquireLock(exec: Executor, owner: LockOwner, opts: LockOptions): Promise<AcquiredLock> {
  const stateDir = opts.stateDir ?? DEFAULT_STATE_DIR;
  const dir = lockDir(exec.host, stateDir);
  const started = Date.now();
  let announced = false;
  for (;;) {
    const state = parseLockOutput((await exec.run(tryLockCommand(exec.host, owner, new Date(), stateDir))).stdout);
    if (state.status === 'acquired') return { dir };
    const reason = takeOverReason(state.holder, owner, opts.breakLock);
    if (reason) {
      const taken = await exec.run(takeOverLockCommand(exec.host, owner, state.id, new Date(), stateDir));
      if (taken.stdout.trim() === 'taken') {
        const why = reason === 'same-run' ? 'an earlier attempt of this workflow run' : 'break-lock';
        opts.log?.(`[${exec.host.name}] took over the deployment lock from ${describeHolder(state.holder)} (${why})`);
        return { dir, tookOver: { holder: state.holder ?? {}, reason } };
      }
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= opts.timeoutMs) throw new LockHeldError(exec.host.name, dir, state.holder, waited);
    if (!announced) {
      announced = true;
      opts.log?.(
        `[${exec.host.name}] waiting up to ${Math.round(opts.timeoutMs / 1000)} s for the deployment lock, ` +
          `held by ${describeHolder(state.holder)}`,
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(opts.pollMs ?? 5000, opts.timeoutMs - waited)));
  }
}

/** Releases the lock if `owner` holds it; never removes another run's lock. */
export async function releaseLock(
  exec: Executor,
  owner: LockOwner,
  opts: { stateDir?: string } = {},
): Promise<{ status: 'released' | 'absent' | 'other'; holder?: LockHolder }> {
  const state = parseLockOutput((await exec.run(releaseLockCommand(exec.host, owner, opts.stateDir))).stdout);
  const status = state.status === 'released' || state.status === 'absent' ? state.status : 'other';
  return { status, holder: state.holder };
}

/**
 * Preflight: every host, in parallel, before anything changes. Connect (host key verified), probe sudo,
 * take the deployment lock (not in a dry run), read the node's state and the version it serves, then run
 * the method's read-only checks for the target. Any failure anywhere stops the run before the first change.
 */
import { apiClient } from '../checks/newapi-client.js';
import type { DeployMethod, NodeState, UpdateTarget } from '../methods/types.js';
import type { HostSpec, Settings } from '../settings.js';
import { DEFAULT_STATE_DIR, acquireLock, instanceKey, type AcquiredLock, type LockOwner } from '../ssh/lock.js';
import { probeSudo } from '../ssh/sudo.js';
import type { SshExecutor } from '../ssh/connection.js';
import type { Executor } from '../ssh/types.js';
import { knownVersion, sameTag } from '../versions/tags.js';
import type { Logger } from './ports.js';
import { reconcileNode } from './reconcile.js';

export interface PreflightDeps {
  settings: Settings;
  connect(host: HostSpec): Promise<SshExecutor>;
  methodFor(host: HostSpec): DeployMethod;
  owner: LockOwner;
  log: Logger;
  /** Every credential read from a host goes here before anything can print it. */
  addSecret(value: string): void;
}

export interface ConnectedHost {
  host: HostSpec;
  exec: Executor;
  method: DeployMethod;
  state: NodeState;
  /** The version the node serves (undefined when unknown: v0.0.0, or no version reported). */
  current?: string;
  lock?: AcquiredLock;
  /** For `version: previous`: what this action replaced here last time. */
  previous?: string;
}

export class PreflightError extends Error {
  constructor(
    readonly hostName: string,
    message: string,
  ) {
    super(`[${hostName}] ${message}`);
    this.name = 'PreflightError';
  }
}

/**
 * Phase 1, read-only: connect (host key verified), probe sudo and how HTTP reaches New API. Every host
 * passes this before any host is locked, so an unreachable host leaves no trace anywhere.
 */
export async function connectHost(
  host: HostSpec,
  deps: PreflightDeps,
  opened: (exec: Executor) => void,
): Promise<SshExecutor> {
  const exec = await deps.connect(host);
  opened(exec);
  if (host.sudo) await probeSudo(exec);
  // Checks travel through the SSH connection: find out now whether forwarding or curl/wget carries them.
  const transport = await exec.probeForwarding();
  if (transport.note) deps.log.info(`[${host.name}] ${transport.note}`);
  return exec;
}

/**
 * Phase 2: take the deployment lock (not in a dry run), settle what an interrupted run left, read the
 * node's state and the version it serves.
 */
export async function inspectHost(
  host: HostSpec,
  exec: Executor,
  deps: PreflightDeps,
  locked: (lock: AcquiredLock) => void,
): Promise<ConnectedHost> {
  const { settings } = deps;
  let lock: AcquiredLock | undefined;
  if (!settings.dryRun) {
    lock = await acquireLock(exec, deps.owner, {
      timeoutMs: settings.lockTimeoutSeconds * 1000,
      breakLock: settings.breakLock,
      log: (l) => deps.log.info(l),
    });
    locked(lock);
    await reconcileNode(exec, host, { log: deps.log, timeoutMs: settings.commandTimeoutSeconds * 1000 });
  }
  const method = deps.methodFor(host);
  const state = await method.inspect(exec);
  for (const s of state.secrets) deps.addSecret(s);
  const current = await servedVersion(exec, host, settings, state, deps.log);
  const previous = settings.version === 'previous' ? await lastReplaced(exec, host) : undefined;
  return { host, exec, method, state, current, lock, previous };
}

/**
 * The version the node serves: /api/status through the tunnel, cross-checked with what is deployed
 * (image tag or `git describe`). `v0.0.0` (a source build without the version injected) is unknown, and
 * then the deployed version is used, saying so.
 */
async function servedVersion(
  exec: Executor,
  host: HostSpec,
  settings: Settings,
  state: NodeState,
  log: Logger,
): Promise<string | undefined> {
  let reported: string | undefined;
  try {
    const status = await apiClient(exec, settings).status(15_000);
    if (!status.success) throw new Error(`/api/status answered success:false ${status.message ?? ''}`.trim());
    reported = status.version;
  } catch (e) {
    throw new PreflightError(
      host.name,
      `New API at ${host.url} does not answer /api/status before the update (${(e as Error).message}); ` +
        'fix the node first: the action only updates nodes that serve, so that it can prove the update worked',
    );
  }
  const deployed = state.deployedVersion;
  if (reported && knownVersion(reported)) {
    if (deployed && knownVersion(deployed) && !sameTag(reported, deployed)) {
      log.warn(`[${host.name}] serves ${reported} but the deployment says ${deployed}; using ${reported}`);
    }
    return reported;
  }
  if (deployed && knownVersion(deployed)) {
    log.info(`[${host.name}] reports ${reported ?? 'no version'}; the deployment says ${deployed}`);
    return deployed;
  }
  return undefined;
}

/** The `from` of the newest successful update of this instance in the host's audit log. */
async function lastReplaced(exec: Executor, host: HostSpec): Promise<string | undefined> {
  const r = await exec.run({
    label: 'read the audit log',
    script: `tail -n 500 ${DEFAULT_STATE_DIR}/audit.log 2>/dev/null || true`,
    privileged: true,
    quiet: true,
  });
  const key = instanceKey(host);
  let previous: string | undefined;
  for (const line of r.stdout.split('\n')) {
    try {
      const e = JSON.parse(line) as { instance?: string; result?: string; from?: string; to?: string };
      if (e.instance === key && e.result === 'updated' && e.from) previous = e.from;
    } catch {
      // Not ours, or a torn line: skip.
    }
  }
  return previous;
}

/** The method's read-only checks for the target: tools present, image tag exists, no leftovers in the way. */
export async function checkTarget(node: ConnectedHost, target: UpdateTarget): Promise<void> {
  for (const cmd of node.method.preflight(node.state, target)) await node.exec.run(cmd);
}

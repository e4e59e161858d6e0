/**
 * The one small interface every deployment method implements (docker, compose, source).
 * Methods never run anything themselves except `inspect`; every other member returns commands
 * or shell text that the executor (or the rollout's detached host step) runs.
 */
import type { HostSpec, Method } from '../settings.js';
import type { Executor, RemoteCommand } from '../ssh/types.js';
import type { ImageConfig } from './docker-recreate.js';

/** Where the New API database lives, as read from the node's configuration. */
export type DatabaseKind = 'sqlite' | 'postgres' | 'mysql';

/** What `inspect` found on a node before anything changed. */
export interface NodeState {
  host: HostSpec;
  method: Method;
  /** Version implied by the deployment itself: image tag (docker/compose) or `git describe --tags` (source). */
  deployedVersion?: string;
  /** docker/compose: the running container's image reference, image ID and repo digest. */
  image?: { ref: string; id: string; digest?: string };
  /** docker/compose: the running container's name and ID. */
  containerName?: string;
  containerId?: string;
  /** Raw `docker inspect` of the container (kept for the backup; contains secrets, never logged). */
  inspectJson?: string;
  /** docker/compose: the running image's own config (its defaults are not carried over to the new image). */
  imageConfig?: ImageConfig;
  /** New API environment as configured on the node (SQL_DSN, NODE_TYPE, SQLITE_PATH, …). */
  env: Record<string, string>;
  database: DatabaseKind;
  /** sqlite: host path of the database file (e.g. /srv/new-api/data/one-api.db). */
  sqliteHostPath?: string;
  /** compose: resolved compose command (`docker compose` or `docker-compose`) and file path. */
  composeCommand?: string[];
  composeFile?: string;
  /** compose: the project name (label com.docker.compose.project) and every -f file, in order. */
  composeProject?: string;
  composeFiles?: string[];
  /** compose: text of `composeFile` (the file holding the service's image line) as read, and its sha256. */
  composeFileText?: string;
  composeFileSha256?: string;
  /** source: current ref/commit and binary path. */
  sourceCommit?: string;
  /** source: the branch checked out at inspect time (restored by a rollback), when not detached. */
  sourceBranch?: string;
  binaryPath?: string;
  /** source: the systemd unit running New API, when systemd manages it. */
  systemdUnit?: string;
  /** Credential-looking values found on the node (must be masked before any logging). */
  secrets: string[];
  /** Leftovers of an interrupted earlier run (renamed old container, pinned compose backup, kept binary). */
  leftovers: string[];
  /**
   * Set by the backup when the database can only be copied while New API is stopped (SQLite without
   * sqlite3 on the host): swap().apply runs this shell text between stopping the old process and
   * starting the new one. It costs downtime.
   */
  backupWhileStopped?: string;
}

/** Container/service liveness, polled while waiting for readiness and during the stability period. */
export interface RuntimeState {
  running: boolean;
  restarting: boolean;
  exitCode?: number;
  restartCount?: number;
  /** ISO time the current process started (docker State.StartedAt), when known. */
  startedAt?: string;
  detail: string;
}

export interface UpdateTarget {
  /** Release tag, e.g. v0.9.6. */
  tag: string;
  /** docker/compose: full image reference to run, e.g. 127.0.0.1:5000/calciumion/new-api:v0.9.6. */
  imageRef: string;
}

/**
 * Host-side shell bodies for the detached swap step (see rollout/hoststep.ts). Each is POSIX sh,
 * every variable part inserted with shq(). They run with `set -eu`; `revert` must be idempotent
 * (it may run after a partial `apply`).
 */
export interface SwapScripts {
  /** Stop the old, keep it (renamed / copied), start the new. */
  apply: string;
  /** Put the old back exactly (rename-and-start, restore file, swap binary) and start it. */
  revert: string;
  /** After success: remove the kept old container/binary, prune images older than the previous one. */
  finalize: string;
}

export interface DeployMethod {
  readonly name: Method;
  /** Reads the node's current state (runs read-only commands). */
  inspect(exec: Executor): Promise<NodeState>;
  /** Read-only checks that the method can work here (docker/compose/git/go present, image tag exists). */
  preflight(state: NodeState, target: UpdateTarget): RemoteCommand[];
  /** Work done while the old version keeps serving: pull the image, fetch and build the source. */
  prepare(state: NodeState, target: UpdateTarget): RemoteCommand[];
  /** Configuration files to copy into the backup (compose file, .env, unit file, inspect JSON). */
  configFiles(state: NodeState): string[];
  swap(state: NodeState, target: UpdateTarget): SwapScripts;
  /** Liveness of the New API process. */
  runtimeState(exec: Executor, state: NodeState): Promise<RuntimeState>;
  /** Logs of the New API process since `sinceUnix` (seconds). */
  logs(state: NodeState, sinceUnix: number): RemoteCommand;
}

/** What a method needs beyond the host entry. */
export interface MethodOptions {
  /** Private registry login, done in prepare (password on stdin). */
  registryUsername?: string;
  registryPassword?: string;
}

/** Shell text stopping and starting the node's New API (around a database restore). */
export interface ServiceControl {
  stop: string;
  start: string;
}

/**
 * What the rollout needs from the rest of the action, as narrow interfaces: the real ones talk SSH,
 * docker and New API; unit tests of the rollout's decisions pass fakes.
 */
import type { Baseline, CheckContext, CheckResult } from '../checks/types.js';
import type { DeployMethod, NodeState } from '../methods/types.js';
import type { BackupRecord } from '../report/types.js';
import type { HostSpec, Settings } from '../settings.js';
import type { Executor } from '../ssh/types.js';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Runs `fn` with its log lines in one collapsible group (GitHub's ::group::), when the log has groups. */
  group?<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

export interface CheckPorts {
  baseline(exec: Executor, host: HostSpec, settings: Settings): Promise<Baseline>;
  /** Waits for the new process; a failed result when it crashed or never became ready. */
  ready(ctx: CheckContext): Promise<CheckResult>;
  checklist(ctx: CheckContext): Promise<CheckResult[]>;
  /** Watches the node for stability-seconds, then runs the checklist again. */
  stability(ctx: CheckContext): Promise<CheckResult[]>;
  /** After a rollback: is the node serving `version` again? */
  serving(exec: Executor, version: string | undefined, timeoutMs: number): Promise<{ ok: boolean; detail: string }>;
}

export interface BackupPorts {
  /** Backs up the node's configuration (and its database unless `databaseDone`); throws when it fails. */
  backup(exec: Executor, state: NodeState, settings: Settings, opts: { database: boolean }): Promise<BackupRecord[]>;
  /** Restores a database backup taken by `backup` (restore-data-on-rollback). */
  restore(exec: Executor, state: NodeState, settings: Settings, record: BackupRecord): Promise<void>;
}

export interface RolloutPorts {
  methodFor(host: HostSpec): DeployMethod;
  checks: CheckPorts;
  backups: BackupPorts;
  log: Logger;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * The run report: one JSON object, also the `report` output (schema documented in docs/report-schema.md).
 * Built up by the rollout as it goes; rendered by the summary, the PR comment and the terminal view.
 * Every string that came from a host is stored raw here and escaped by each renderer.
 */
import type { CheckResult } from '../checks/types.js';
import type { Method, Role } from '../settings.js';

export type RunResult = 'updated' | 'up-to-date' | 'rolled-back' | 'failed' | 'refused' | 'skipped' | 'planned';

export type HostOutcome =
  | 'updated'
  | 'up-to-date'
  | 'rolled-back'
  | 'rollback-failed'
  | 'failed'
  | 'left-failed' // rollback: never
  | 'not-started'
  | 'planned';

export interface StepRecord {
  /** Same label as the RemoteCommand or the rollout phase ("backup", "pull image v0.9.6"). */
  label: string;
  ok: boolean;
  durationMs: number;
  detail?: string;
}

export interface BackupRecord {
  host: string;
  kind: 'database' | 'config';
  path: string;
  bytes: number;
  sha256: string;
}

export interface HostReport {
  name: string;
  role: Role;
  method: Method;
  versionBefore?: string;
  versionAfter?: string;
  outcome: HostOutcome;
  durationMs: number;
  /** Longest window the node was not serving, as measured by the action (stop → ready). */
  downtimeMs?: number;
  steps: StepRecord[];
  checks: CheckResult[];
  /** Log lines that explain a failure. */
  logExcerpt?: string[];
  error?: string;
  /** When a rollback itself failed: the exact commands an operator runs to recover. */
  manualRecovery?: string[];
}

export interface ReleaseNote {
  tag: string;
  name: string;
  url: string;
  prerelease: boolean;
  body: string;
  /** Lines flagging breaking changes, migrations or manual steps. */
  highlights: string[];
}

export interface RunReport {
  schemaVersion: 1;
  result: RunResult;
  /** Resolved target tag ('' when resolution failed). */
  version: string;
  /** One sentence: why the run ended as it did. */
  message: string;
  dryRun: boolean;
  /** The `environment` input, when set (names the sticky PR comment and the GitHub deployment). */
  environment?: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  updateAvailable: boolean;
  previousVersions: Record<string, string>;
  /** Ordered plan, one line per step, as printed by a dry run. */
  plan: string[];
  hosts: HostReport[];
  backups: BackupRecord[];
  releaseNotes: ReleaseNote[];
  warnings: string[];
  errors: string[];
  runUrl?: string;
  /** Set in the `report` output when release note bodies or log lines were shortened to fit GitHub's output limit. */
  truncated?: boolean;
}

/**
 * The typed settings object: everything the action needs, validated, with defaults applied.
 * Produced only by `inputs.ts` (the one module that calls core.getInput); every other module
 * receives it. Pure data: no @actions/* imports here.
 */

export type Method = 'docker' | 'compose' | 'source';
export type Role = 'master' | 'slave';
export type CheckName = 'status' | 'version' | 'admin-login' | 'api-call' | 'logs' | 'migration' | 'channels';
export const ALL_CHECKS: readonly CheckName[] = [
  'status',
  'version',
  'admin-login',
  'api-call',
  'logs',
  'migration',
  'channels',
];

export interface JumpSpec {
  user: string;
  host: string;
  port: number;
  /** SHA256 host key fingerprint of the bastion (host key `jump-fingerprint`), instead of known_hosts lines. */
  fingerprint?: string;
}

/** One entry of the `hosts` inventory, defaults applied. */
export interface HostSpec {
  name: string;
  host: string;
  port: number;
  user: string;
  role: Role;
  method: Method;
  /** New API as seen from the host, e.g. http://127.0.0.1:3000 (no trailing slash). */
  url: string;
  /** docker: container name. */
  container: string;
  /** compose: project directory and service. */
  projectDir?: string;
  service: string;
  /** source: clone directory, restart/build/logs commands (shell text by design). */
  sourceDir?: string;
  restart?: string;
  build?: string;
  logs?: string;
  fingerprint?: string;
  jump?: JumpSpec;
  /** Resolved private key of this host (from ssh-private-key-env), never logged. */
  privateKey?: string;
  sudo: boolean;
  preUpdate?: string;
  postUpdate?: string;
}

export interface MaintenanceWindow {
  /** 0 = Sunday … 6 = Saturday; empty = every day. */
  days: number[];
  /** minutes since midnight, local to `timeZone`; end may be < start (crosses midnight). */
  startMinute: number;
  endMinute: number;
  timeZone: string;
}

export interface Settings {
  // what to install
  version: string; // already defaulted: release tag on a release event, else 'latest'
  repository: { owner: string; repo: string };
  releasesApiUrl: string;
  registryUsername?: string;
  registryPassword?: string;
  image: string;
  includePrereleases: boolean;
  githubToken?: string;

  // where
  hosts: HostSpec[];
  sshPrivateKey?: string;
  sshPassphrase?: string;
  sshPassword?: string;
  sshKnownHosts?: string;
  sshInsecureSkipHostKeyCheck: boolean;
  sshTimeoutSeconds: number;
  commandTimeoutSeconds: number;

  // checks
  adminUsername?: string;
  adminPassword?: string;
  adminAccessToken?: string;
  adminUserId?: string;
  apiKey?: string;
  /** Explicit list, or 'auto' resolved later against the given credentials. */
  checks: CheckName[] | 'auto';
  healthTimeoutSeconds: number;
  logErrorPatterns: RegExp[];
  testChannels: boolean;
  stabilitySeconds: number;

  // safety
  backup: boolean;
  backupDir: string;
  backupKeep: number;
  rollback: 'auto' | 'never';
  restoreDataOnRollback: boolean;
  allowDowngrade: boolean;
  allowBreaking: boolean;
  maintenanceWindows: MaintenanceWindow[]; // empty = any time
  outsideWindow: 'skip' | 'fail' | 'wait';
  order: 'master-first' | 'slaves-first';
  batchSize: number;
  dryRun: boolean;
  lockTimeoutSeconds: number;
  breakLock: boolean;
  maxWaitSeconds: number;

  // reporting
  commentOnPr: 'auto' | 'true' | 'false';
  prNumber?: number;
  environment?: string;

  /** Every secret value known at parse time (inputs and per-host keys), for masking and scanning. */
  secrets: string[];
}

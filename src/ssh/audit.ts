/**
 * The audit trail on each host: one JSON line per run appended to <state dir>/audit.log, so whoever logs
 * in later can see who changed this instance, when, from which version to which, and how it ended.
 */
import { DEFAULT_STATE_DIR } from './lock.js';
import { shq } from './quote.js';
import type { RemoteCommand } from './types.js';

export interface AuditEntry {
  /** ISO time of the entry. */
  time: string;
  /** Who started the run (GITHUB_ACTOR). */
  actor?: string;
  repository: string;
  runId: string;
  attempt: number;
  runUrl?: string;
  /** Host name from the inventory, and the instance (see lock.ts `instanceKey`). */
  host: string;
  instance: string;
  from?: string;
  to: string;
  result: string;
  /** One-line reason when the result is not a success. */
  message?: string;
}

/**
 * Appends one line. A single write of one short line to a file opened for append is atomic, so lines
 * from concurrent writers never interleave; the caller holds the lock anyway.
 */
export function auditLineCommand(entry: AuditEntry, stateDir = DEFAULT_STATE_DIR): RemoteCommand {
  // JSON.stringify escapes newlines: the entry stays one line whatever the message holds.
  const line = JSON.stringify(entry);
  return {
    label: 'append to the audit log',
    privileged: true,
    script: `mkdir -p ${shq(stateDir)} && printf '%s\\n' ${shq(line)} >> ${shq(`${stateDir}/audit.log`)}`,
  };
}

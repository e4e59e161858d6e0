/**
 * Runs the backup plan (backup.ts) through a host's Executor: the rollout's BackupPorts.
 * A backup that cannot be completed throws before anything on the node has changed, and removes its
 * partial folder.
 */
import { posix } from 'node:path';
import { instanceDirName } from '../ssh/lock.js';
import type { BackupPorts } from '../rollout/ports.js';
import type { BackupRecord } from '../report/types.js';
import type { Settings } from '../settings.js';
import type { Executor } from '../ssh/types.js';
import {
  BackupRefused,
  backupProbeCommand,
  dumpRestoreCommand,
  parseBackupProbe,
  parseDsn,
  parseVerify,
  planBackup,
  retentionCommand,
  sqliteRestoreScript,
  writeManifestCommand,
} from './backup.js';
import { createMethod } from './index.js';
import type { NodeState } from './types.js';

export interface BackupRunOptions {
  now?: () => Date;
  /** Called with notes the report should show (e.g. "database copied while stopped"). */
  note?: (host: string, message: string) => void;
}

export function backupPorts(o: BackupRunOptions = {}): BackupPorts {
  return {
    async backup(
      exec: Executor,
      state: NodeState,
      settings: Settings,
      opts: { database: boolean },
    ): Promise<BackupRecord[]> {
      const method = createMethod(state.host);
      const probe = parseBackupProbe((await exec.run(backupProbeCommand(state, settings.backupDir))).stdout);
      const plan = planBackup(state, probe, {
        backupDir: settings.backupDir,
        instance: instanceDirName(state.host),
        fromVersion: state.deployedVersion,
        toVersion: settings.version,
        database: opts.database,
        keep: settings.backupKeep,
        now: (o.now ?? (() => new Date()))(),
        configFiles: method.configFiles(state),
      });
      let verified;
      try {
        let out = '';
        for (const cmd of plan.commands) out = (await exec.run(cmd)).stdout;
        verified = parseVerify(out);
        await exec.run(
          writeManifestCommand(plan.dir, {
            schemaVersion: 1,
            createdAt: (o.now ?? (() => new Date()))().toISOString(),
            instance: instanceDirName(state.host),
            host: state.host.name,
            method: state.method,
            fromVersion: state.deployedVersion,
            toVersion: settings.version,
            database: plan.databaseFile
              ? {
                  kind: state.database,
                  file: plan.databaseFile,
                  source: state.database === 'sqlite' ? state.sqliteHostPath! : describeDsn(state),
                  copiedWhileStopped: !!plan.whileStopped,
                }
              : undefined,
            files: verified,
          }),
        );
      } catch (e) {
        await exec.run({
          label: 'backup: remove the incomplete backup',
          argv: ['rm', '-rf', '--', plan.dir],
          privileged: true,
          allowFailure: true,
        });
        throw new BackupRefused(`backup failed, nothing was changed: ${(e as Error).message}`);
      }
      state.backupWhileStopped = plan.whileStopped;
      for (const n of plan.notes) o.note?.(state.host.name, n);
      await exec.run(retentionCommand(settings.backupDir, instanceDirName(state.host), settings.backupKeep));

      const records: BackupRecord[] = verified.map((f) => ({
        host: state.host.name,
        kind: f.path === plan.databaseFile ? 'database' : 'config',
        path: posix.join(plan.dir, f.path),
        bytes: f.bytes,
        sha256: f.sha256,
      }));
      if (plan.whileStopped && plan.databaseFile) {
        // Copied during the swap: its checksum goes to SHA256SUMS then, and the restore reads it there.
        records.push({
          host: state.host.name,
          kind: 'database',
          path: posix.join(plan.dir, plan.databaseFile),
          bytes: 0,
          sha256: '',
        });
      }
      return records;
    },

    async restore(exec: Executor, state: NodeState, _settings: Settings, record: BackupRecord): Promise<void> {
      const sha = record.sha256 || (await checksumFromSums(exec, record.path));
      if (state.database === 'sqlite') {
        const ctl = createMethod(state.host).serviceControl(state);
        await exec.run({
          label: `restore ${state.sqliteHostPath} from ${record.path} (New API stopped meanwhile)`,
          // New API is started again whatever happens to the copy.
          script: [
            ctl.stop,
            'set +e',
            `(\nset -e\n${sqliteRestoreScript(record.path, sha, state.sqliteHostPath!)}\n)`,
            'rc=$?',
            ctl.start,
            'exit $rc',
          ].join('\n'),
          privileged: true,
          timeoutMs: 30 * 60_000,
        });
        return;
      }
      const probe = parseBackupProbe((await exec.run(backupProbeCommand(state, posix.dirname(record.path)))).stdout);
      await exec.run(dumpRestoreCommand(state.database, parseDsn(state.env.SQL_DSN ?? ''), probe, record.path, sha));
    },
  };
}

async function checksumFromSums(exec: Executor, path: string): Promise<string> {
  const dir = posix.dirname(posix.dirname(path));
  const rel = posix.relative(dir, path);
  const r = await exec.run({
    label: 'read the backup checksum',
    argv: ['cat', posix.join(dir, 'SHA256SUMS')],
    privileged: true,
    quiet: true,
  });
  const line = r.stdout.split('\n').find((l) => l.endsWith(`  ${rel}`));
  if (!line) throw new Error(`no checksum recorded for ${path}; not restoring an unverified file`);
  return line.split(' ')[0];
}

/** The database a dump came from, without its password. */
function describeDsn(state: NodeState): string {
  const d = parseDsn(state.env.SQL_DSN ?? '');
  return `${d.kind}://${d.user}@${d.host}:${d.port}/${d.database}`;
}

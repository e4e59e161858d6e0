/**
 * Backups, as pure command builders and parsers: which database a node uses, where its files are, how to
 * dump, copy, verify, prune and restore them. backup-run.ts runs these through an Executor.
 *
 * Layout on the host: <backup-dir>/<instance>/<UTC timestamp>-<from-version>/
 *   database/…            the database (sqlite file, or a .sql dump)
 *   config/…              configuration files under their absolute paths, plus container-inspect.json
 *   SHA256SUMS            checksums of every file, written by the verify step
 *   manifest.json         what this backup is (no secrets)
 * Every file is created under umask 077: backups hold credentials.
 */
import { posix } from 'node:path';
import { shellJoin, shq } from '../ssh/quote.js';
import type { RemoteCommand } from '../ssh/types.js';
import type { DatabaseKind, NodeState } from './types.js';

export class BackupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefused';
  }
}

/** New API's own rule (model/main.go): postgres:// or postgresql:// → PostgreSQL, other non-empty → MySQL. */
export function detectDatabase(env: Record<string, string>): DatabaseKind {
  const dsn = (env.SQL_DSN ?? '').trim();
  // New API opens SQLite for an empty SQL_DSN and for one starting with "local" (its own switch).
  if (!dsn || dsn.startsWith('local')) return 'sqlite';
  return /^postgres(ql)?:\/\//i.test(dsn) ? 'postgres' : 'mysql';
}

/**
 * The SQLite file New API opens, as a path inside its process: SQLITE_PATH (a path, possibly with
 * `?_busy_timeout=…` options or a `file:` prefix) or `one-api.db`, relative to the working directory.
 */
export function sqliteProcessPath(env: Record<string, string>, workingDir = '/data'): string {
  let p = (env.SQLITE_PATH ?? '').trim() || 'one-api.db';
  p = p.replace(/^file:/, '').replace(/\?.*$/, '');
  return posix.resolve(workingDir || '/', p);
}

/** Maps a path inside a container to the host through its mounts (longest matching destination wins). */
export function hostPathOf(
  mounts: { Source: string; Destination: string }[],
  containerPath: string,
): string | undefined {
  let best: { Source: string; Destination: string } | undefined;
  for (const m of mounts) {
    const d = m.Destination.replace(/\/+$/, '') || '/';
    const inside = containerPath === d || containerPath.startsWith(d === '/' ? '/' : `${d}/`);
    if (inside && (!best || d.length > best.Destination.replace(/\/+$/, '').length)) best = m;
  }
  if (!best) return undefined;
  const rest = containerPath.slice(best.Destination.replace(/\/+$/, '').length).replace(/^\/+/, '');
  return rest ? posix.join(best.Source, rest) : best.Source;
}

export interface DsnParts {
  kind: 'postgres' | 'mysql';
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** mysql unix(...) socket path, when the DSN uses one. */
  socket?: string;
}

/** Parses SQL_DSN: a postgres URL, or a go-sql-driver MySQL DSN `user:pass@tcp(host:port)/db?…`. */
export function parseDsn(dsn: string): DsnParts {
  const s = dsn.trim();
  if (/^postgres(ql)?:\/\//i.test(s)) {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      throw new BackupRefused('SQL_DSN is not a valid postgres URL');
    }
    return {
      kind: 'postgres',
      host: decodeURIComponent(u.hostname) || 'localhost',
      port: u.port ? Number(u.port) : 5432,
      user: decodeURIComponent(u.username) || 'postgres',
      password: decodeURIComponent(u.password),
      database: decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres',
    };
  }
  // [user[:password]@][net[(addr)]]/dbname[?param=value]: the password may hold '@' and '/', so split
  // on the LAST '/' for the database, then the last '@' before it for the credentials.
  const slash = s.lastIndexOf('/');
  if (slash < 0) throw new BackupRefused('SQL_DSN is not a MySQL DSN (user:password@tcp(host:port)/database)');
  const database = s.slice(slash + 1).split('?')[0];
  const head = s.slice(0, slash);
  const at = head.lastIndexOf('@');
  const cred = at >= 0 ? head.slice(0, at) : '';
  const netAddr = at >= 0 ? head.slice(at + 1) : head;
  const colon = cred.indexOf(':');
  const user = colon >= 0 ? cred.slice(0, colon) : cred;
  const password = colon >= 0 ? cred.slice(colon + 1) : '';
  const m = /^(\w+)?(?:\((.*)\))?$/.exec(netAddr);
  const net = m?.[1] ?? 'tcp';
  const addr = m?.[2] ?? '';
  if (net === 'unix') return { kind: 'mysql', host: 'localhost', port: 3306, user, password, database, socket: addr };
  const hp = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(addr);
  return {
    kind: 'mysql',
    host: hp?.[1] || '127.0.0.1',
    port: hp?.[2] ? Number(hp[2]) : 3306,
    user: user || 'root',
    password,
    database,
  };
}

/** Secrets the DSN holds, for masking. */
export function dsnSecrets(env: Record<string, string>): string[] {
  const out: string[] = [];
  for (const key of ['SQL_DSN', 'LOG_SQL_DSN']) {
    const v = env[key];
    if (!v) continue;
    out.push(v);
    try {
      const p = parseDsn(v);
      if (p.password) out.push(p.password);
    } catch {
      // An unparsable DSN is still masked whole.
    }
  }
  return out;
}

// --- the probe: what the host offers for a backup --------------------------------------------------

export interface BackupProbe {
  /** Free space where the backup goes (nearest existing ancestor of backup-dir), KiB. */
  freeKb: number;
  /** Size of what will be copied or dumped, bytes (0 when unknown). */
  dbBytes: number;
  /** sqlite: the file exists on the host. */
  dbFileExists: boolean;
  sqlite3: boolean;
  /** Client programs on the host. */
  hostDump?: string;
  hostRestore?: string;
  /** A container of the database server on this host, and the client programs inside it. */
  dbContainer?: string;
  containerDump?: string;
  containerRestore?: string;
}

/** Where the database server runs, derived from the DSN host and the node's deployment. */
function dbContainerLookup(state: NodeState, dsn: DsnParts): string {
  const byName = `docker ps -q --no-trunc --filter ${shq(`name=^/${dsn.host}$`)} 2>/dev/null | head -n 1`;
  if (!state.composeProject) return byName;
  const byService = `docker ps -q --no-trunc --filter ${shq(`label=com.docker.compose.project=${state.composeProject}`)} --filter ${shq(
    `label=com.docker.compose.service=${dsn.host}`,
  )} 2>/dev/null | head -n 1`;
  return `{ c=$(${byService}); [ -n "$c" ] || c=$(${byName}); printf '%s' "$c"; }`;
}

/**
 * One read-only command printing key=value lines; parse with parseBackupProbe. Sends the database
 * password on stdin (for the size query), never on a command line.
 */
export function backupProbeCommand(state: NodeState, backupDir: string): RemoteCommand {
  const lines = [
    'set -u',
    `d=${shq(backupDir)}`,
    'while [ ! -d "$d" ] && [ "$d" != / ]; do d=$(dirname "$d"); done',
    `printf 'free_kb=%s\\n' "$(df -Pk "$d" | awk 'NR==2 {print $4}')"`,
    'has() { command -v "$1" >/dev/null 2>&1; }',
    `has sqlite3 && echo sqlite3=yes`,
  ];
  if (state.database === 'sqlite') {
    const db = shq(state.sqliteHostPath ?? '');
    lines.push(
      `if [ -f ${db} ]; then echo db_file=yes; s=0; for f in ${db} ${shq(`${state.sqliteHostPath}-wal`)}; do [ -f "$f" ] && s=$((s + $(stat -c %s "$f"))); done; echo "db_bytes=$s"; fi`,
    );
  } else {
    const dsn = parseDsn(state.env.SQL_DSN ?? '');
    const [dump, restore] =
      state.database === 'postgres'
        ? [['pg_dump'], ['psql']]
        : [
            ['mysqldump', 'mariadb-dump'],
            ['mysql', 'mariadb'],
          ];
    const firstOf = (names: string[]): string => names.map((n) => `has ${n} && echo ${n}`).join(' || ') + ' || true';
    const sizeSql =
      state.database === 'postgres'
        ? 'select pg_database_size(current_database())'
        : 'select coalesce(sum(data_length + index_length), 0) from information_schema.tables where table_schema = database()';
    lines.push(
      'IFS= read -r pw || true',
      `echo "host_dump=$(${firstOf(dump)})"`,
      `echo "host_restore=$(${firstOf(restore)})"`,
      `c=$(${dbContainerLookup(state, dsn)})`,
      'echo "db_container=$c"',
      `if [ -n "$c" ]; then`,
      `  echo "container_dump=$(docker exec "$c" sh -c ${shq(firstOf(dump))} 2>/dev/null)"`,
      `  echo "container_restore=$(docker exec "$c" sh -c ${shq(firstOf(restore))} 2>/dev/null)"`,
      state.database === 'postgres'
        ? `  echo "db_bytes=$(PGPASSWORD=$pw docker exec -e PGPASSWORD "$c" psql -At -U ${shq(dsn.user)} -d ${shq(dsn.database)} -c ${shq(sizeSql)} 2>/dev/null)"`
        : `  echo "db_bytes=$(MYSQL_PWD=$pw docker exec -e MYSQL_PWD "$c" sh -c ${shq(`$(command -v mysql || command -v mariadb) -N -u "$1" -D "$2" -e "$3"`)} sh ${shellJoin([dsn.user, dsn.database, sizeSql])} 2>/dev/null)"`,
      'fi',
    );
  }
  return {
    label: 'backup: probe tools and free space',
    script: lines.join('\n'),
    stdin: state.database === 'sqlite' ? undefined : `${parseDsn(state.env.SQL_DSN ?? '').password}\n`,
    privileged: true,
    quiet: true,
  };
}

export function parseBackupProbe(stdout: string): BackupProbe {
  const kv: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  const num = (v?: string): number => (v && /^\d+$/.test(v) ? Number(v) : 0);
  const opt = (v?: string): string | undefined => (v ? v : undefined);
  return {
    freeKb: num(kv.free_kb),
    dbBytes: num(kv.db_bytes),
    dbFileExists: kv.db_file === 'yes',
    sqlite3: kv.sqlite3 === 'yes',
    hostDump: opt(kv.host_dump),
    hostRestore: opt(kv.host_restore),
    dbContainer: opt(kv.db_container),
    containerDump: opt(kv.container_dump),
    containerRestore: opt(kv.container_restore),
  };
}

// --- the plan ---------------------------------------------------------------------------------------

export interface BackupOptions {
  backupDir: string;
  /** Names the instance's folder under backup-dir (one instance per folder: retention counts in it). */
  instance: string;
  fromVersion?: string;
  toVersion: string;
  /** Include the database (false for the 2nd+ node of a cluster sharing one server database). */
  database: boolean;
  keep: number;
  now: Date;
  /** Host paths of configuration files to copy (method.configFiles). */
  configFiles: string[];
}

export interface BackupPlan {
  dir: string;
  /** Run in order while the old version serves; any failure refuses the update. */
  commands: RemoteCommand[];
  /**
   * sqlite without sqlite3 on the host: shell text that copies the database and its -wal/-shm files while
   * the old process is stopped (runs inside the swap; costs downtime). Undefined when not needed.
   */
  whileStopped?: string;
  /** Relative path of the database file (or dump) inside `dir`, when the database is included. */
  databaseFile?: string;
  /** Human notes for the report ("database copied while stopped: adds downtime"). */
  notes: string[];
}

/** `20251129T214138Z`: sorts chronologically as text, which retention relies on. */
export function backupStamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

const STAMP_RE = '^[0-9]{8}T[0-9]{6}Z-';

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'unknown';
}

/** Plans the backup, or throws BackupRefused naming the fix. */
export function planBackup(state: NodeState, probe: BackupProbe, o: BackupOptions): BackupPlan {
  if (!o.backupDir.startsWith('/')) throw new BackupRefused(`backup-dir must be an absolute path, got ${o.backupDir}`);
  if (/'/.test(o.backupDir)) throw new BackupRefused('backup-dir must not contain a quote');
  const root = posix.join(o.backupDir, safeName(o.instance));
  const dir = posix.join(root, `${backupStamp(o.now)}-${safeName(o.fromVersion ?? 'unknown')}`);
  const D = shq(dir);
  const notes: string[] = [];
  const commands: RemoteCommand[] = [];

  // Room for the copy plus as much again (a dump can be larger than the live data, and the disk must
  // not fill up under the running database).
  const needKb = Math.ceil((o.database ? probe.dbBytes * 2 : 0) / 1024) + 1024;
  if (probe.freeKb < needKb) {
    throw new BackupRefused(
      `not enough free space for the backup in ${o.backupDir}: ${probe.freeKb} KiB free, ${needKb} KiB needed (twice the database); free some space or point backup-dir elsewhere`,
    );
  }
  commands.push({
    label: `backup: create ${dir}`,
    script: `umask 077 && mkdir -p ${D}/database ${D}/config && touch ${D}/.writable && rm -f ${D}/.writable`,
    privileged: true,
  });

  let databaseFile: string | undefined;
  let whileStopped: string | undefined;
  if (o.database && state.database === 'sqlite') {
    const src = state.sqliteHostPath;
    if (!src)
      throw new BackupRefused(
        'the SQLite database file is not on a volume or bind mount; it cannot be backed up from the host',
      );
    if (!probe.dbFileExists) throw new BackupRefused(`the SQLite database ${src} does not exist on the host`);
    databaseFile = `database/${posix.basename(src)}`;
    const dest = posix.join(dir, databaseFile);
    if (probe.sqlite3) {
      // .backup uses SQLite's online backup API: a consistent copy (WAL included) while New API writes.
      commands.push({
        label: 'backup: sqlite3 .backup of the database (online)',
        script: [
          `umask 077`,
          `sqlite3 ${shq(src)} '.timeout 30000' ${shq(`.backup '${dest.replace(/'/g, "''")}'`)}`,
          `[ "$(sqlite3 ${shq(dest)} 'PRAGMA quick_check;')" = ok ] || { echo 'the backup copy failed its integrity check' >&2; exit 1; }`,
        ].join('\n'),
        privileged: true,
        timeoutMs: 30 * 60_000,
      });
    } else {
      whileStopped = sqliteCopyScript(src, dir, databaseFile);
      notes.push(
        'sqlite3 is not installed on the host: the database is copied while New API is stopped, which adds to the downtime (install sqlite3 for an online backup)',
      );
    }
  } else if (o.database) {
    const dsn = parseDsn(state.env.SQL_DSN ?? '');
    databaseFile = `database/${safeName(dsn.database)}.sql`;
    commands.push(dumpCommand(state.database as 'postgres' | 'mysql', dsn, probe, posix.join(dir, databaseFile)));
  }

  const inspectId = state.containerId;
  const copies = o.configFiles.map((f) => {
    const dest = posix.join(dir, 'config', f);
    return `if [ -e ${shq(f)} ]; then mkdir -p ${shq(posix.dirname(dest))} && cp -p -- ${shq(f)} ${shq(dest)}; fi`;
  });
  if (inspectId)
    copies.push(
      `docker container inspect ${shq(inspectId)} > ${shq(posix.join(dir, 'config', 'container-inspect.json'))}`,
    );
  if (copies.length)
    commands.push({
      label: 'backup: configuration files',
      script: ['umask 077', ...copies].join('\n'),
      privileged: true,
    });
  commands.push(verifyCommand(dir, whileStopped ? undefined : databaseFile));
  return { dir, commands, whileStopped, databaseFile, notes };
}

/** Copy of a stopped SQLite database with its -wal/-shm files, checksummed. */
function sqliteCopyScript(src: string, dir: string, databaseFile: string): string {
  const dest = posix.join(dir, databaseFile);
  return [
    'umask 077',
    `for f in ${shq(src)} ${shq(`${src}-wal`)} ${shq(`${src}-shm`)}; do`,
    `  if [ -f "$f" ]; then cp -p -- "$f" ${shq(posix.dirname(dest))}/; fi`,
    'done',
    `[ -s ${shq(dest)} ] || { echo 'database copy is missing or empty' >&2; exit 1; }`,
    `(cd ${shq(dir)} && sha256sum database/* >> SHA256SUMS)`,
  ].join('\n');
}

function dumpCommand(kind: 'postgres' | 'mysql', dsn: DsnParts, probe: BackupProbe, dest: string): RemoteCommand {
  const pwVar = kind === 'postgres' ? 'PGPASSWORD' : 'MYSQL_PWD';
  const args =
    kind === 'postgres'
      ? ['--clean', '--if-exists', '-U', dsn.user, '-d', dsn.database]
      : [
          '--single-transaction',
          '--quick',
          '--routines',
          '--triggers',
          '--add-drop-table',
          '-u',
          dsn.user,
          dsn.database,
        ];
  let run: string;
  if (probe.dbContainer && probe.containerDump) {
    run = `docker exec -e ${pwVar} ${shq(probe.dbContainer)} ${shellJoin([probe.containerDump, ...args])}`;
  } else if (probe.hostDump) {
    const net = clientNetArgs(kind, dsn);
    run = shellJoin([probe.hostDump, ...net, ...args]);
  } else {
    const client =
      kind === 'postgres' ? 'postgresql-client (pg_dump)' : 'default-mysql-client or mariadb-client (mysqldump)';
    throw new BackupRefused(
      `cannot back up the ${kind} database: no ${kind === 'postgres' ? 'pg_dump' : 'mysqldump'} on the host and no database container named '${dsn.host}' on it; install ${client} on the host, or set backup: false to update without a backup`,
    );
  }
  return {
    label: `backup: dump the ${kind} database ${dsn.database}`,
    // The password arrives on stdin and reaches the client through its environment only.
    script: [
      'umask 077',
      `IFS= read -r ${pwVar} || true`,
      `export ${pwVar}`,
      `${run} > ${shq(`${dest}.partial`)}`,
      `mv -f ${shq(`${dest}.partial`)} ${shq(dest)}`,
    ].join('\n'),
    stdin: `${dsn.password}\n`,
    privileged: true,
    timeoutMs: 60 * 60_000,
  };
}

/** Checksums and sizes of every file; fails when the database file is missing or empty. */
function verifyCommand(dir: string, databaseFile: string | undefined): RemoteCommand {
  const D = shq(dir);
  const lines = ['set -e', `cd ${D}`];
  if (databaseFile)
    lines.push(`[ -s ${shq(databaseFile)} ] || { echo 'database backup is missing or empty' >&2; exit 1; }`);
  lines.push(
    "find . -type f ! -name SHA256SUMS ! -name manifest.json -exec sha256sum {} + | sed 's#  \\./#  #' > SHA256SUMS",
    // "<sha256> <bytes> <path>" per file, for the report.
    'while read -r sum path; do printf \'%s %s %s\\n\' "$sum" "$(stat -c %s "$path")" "$path"; done < SHA256SUMS',
  );
  return { label: 'backup: verify (sha256, size)', script: lines.join('\n'), privileged: true, quiet: true };
}

export interface VerifiedFile {
  path: string;
  bytes: number;
  sha256: string;
}

export function parseVerify(stdout: string): VerifiedFile[] {
  const out: VerifiedFile[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^([0-9a-f]{64}) (\d+) (.+)$/.exec(line.trim());
    if (m) out.push({ sha256: m[1], bytes: Number(m[2]), path: m[3] });
  }
  return out;
}

export interface Manifest {
  schemaVersion: 1;
  createdAt: string;
  instance: string;
  host: string;
  method: string;
  fromVersion?: string;
  toVersion: string;
  database?: { kind: DatabaseKind; file: string; source: string; copiedWhileStopped: boolean };
  files: VerifiedFile[];
}

export function writeManifestCommand(dir: string, manifest: Manifest): RemoteCommand {
  return {
    label: 'backup: write manifest.json',
    script: `umask 077 && cat > ${shq(posix.join(dir, 'manifest.json'))}`,
    stdin: `${JSON.stringify(manifest, null, 2)}\n`,
    privileged: true,
  };
}

/** Keeps the `keep` newest backups of the instance (names start with a sortable UTC stamp). */
export function retentionCommand(backupDir: string, instance: string, keep: number): RemoteCommand {
  const root = shq(posix.join(backupDir, safeName(instance)));
  const n = Math.max(1, Math.floor(keep));
  return {
    label: `backup: keep the ${n} newest`,
    script: `cd ${root} && ls -1 | grep -E '${STAMP_RE}' | sort -r | tail -n +${n + 1} | while IFS= read -r old; do rm -rf -- "$old"; done`,
    privileged: true,
  };
}

// --- restore ----------------------------------------------------------------------------------------

/**
 * Shell text putting a SQLite backup back. Runs while New API is stopped: the caller wraps it between
 * the method's stop and start. Checks the checksum first; keeps the file's owner and mode.
 */
export function sqliteRestoreScript(backupFile: string, sha256: string, dbPath: string): string {
  const src = shq(backupFile);
  const db = shq(dbPath);
  const srcDir = shq(posix.dirname(backupFile));
  const base = posix.basename(dbPath);
  return [
    `printf '%s  %s\\n' ${shq(sha256)} ${src} | sha256sum -c --status - || { echo 'backup checksum mismatch: not restoring' >&2; exit 1; }`,
    `own=$(stat -c %u:%g ${db} 2>/dev/null || echo 0:0); mode=$(stat -c %a ${db} 2>/dev/null || echo 644)`,
    `cp -- ${src} ${shq(`${dbPath}.restoring`)}`,
    `chown "$own" ${shq(`${dbPath}.restoring`)}; chmod "$mode" ${shq(`${dbPath}.restoring`)}`,
    // A file copied while stopped comes with its own -wal/-shm; an online .backup is self-contained.
    `for x in -wal -shm; do if [ -f ${srcDir}/${shq(base)}"$x" ]; then cp -p -- ${srcDir}/${shq(base)}"$x" ${db}"$x"; else rm -f -- ${db}"$x"; fi; done`,
    `mv -f ${shq(`${dbPath}.restoring`)} ${db}`,
  ].join('\n');
}

/** Command restoring a dump into the live database server (psql / mysql), password on stdin. */
/** How a host-side psql/pg_dump or mysql/mysqldump reaches the server named by the DSN. */
function clientNetArgs(kind: 'postgres' | 'mysql', dsn: DsnParts): string[] {
  if (kind === 'postgres') return ['-h', dsn.host, '-p', String(dsn.port)];
  return dsn.socket ? [`--socket=${dsn.socket}`] : ['-h', dsn.host, '-P', String(dsn.port), '--protocol=TCP'];
}

export function dumpRestoreCommand(
  kind: 'postgres' | 'mysql',
  dsn: DsnParts,
  probe: BackupProbe,
  backupFile: string,
  sha256: string,
): RemoteCommand {
  const pwVar = kind === 'postgres' ? 'PGPASSWORD' : 'MYSQL_PWD';
  const args =
    kind === 'postgres'
      ? ['-v', 'ON_ERROR_STOP=1', '-q', '-U', dsn.user, '-d', dsn.database]
      : ['-u', dsn.user, dsn.database];
  let run: string;
  if (probe.dbContainer && probe.containerRestore) {
    run = `docker exec -i -e ${pwVar} ${shq(probe.dbContainer)} ${shellJoin([probe.containerRestore, ...args])}`;
  } else if (probe.hostRestore) {
    const net = clientNetArgs(kind, dsn);
    run = shellJoin([probe.hostRestore, ...net, ...args]);
  } else {
    throw new BackupRefused(
      `cannot restore the ${kind} database: no client on the host and no database container '${dsn.host}'`,
    );
  }
  return {
    label: `restore the ${kind} database ${dsn.database} from ${backupFile}`,
    script: [
      `printf '%s  %s\\n' ${shq(sha256)} ${shq(backupFile)} | sha256sum -c --status - || { echo 'backup checksum mismatch: not restoring' >&2; exit 1; }`,
      `IFS= read -r ${pwVar} || true`,
      `export ${pwVar}`,
      `${run} < ${shq(backupFile)}`,
    ].join('\n'),
    stdin: `${dsn.password}\n`,
    privileged: true,
    timeoutMs: 60 * 60_000,
  };
}

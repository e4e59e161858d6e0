import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  BackupRefused,
  backupStamp,
  detectDatabase,
  hostPathOf,
  parseBackupProbe,
  parseDsn,
  parseVerify,
  planBackup,
  retentionCommand,
  sqliteRestoreScript,
  type BackupOptions,
  type BackupProbe,
} from '../../src/methods/backup.js';
import type { NodeState } from '../../src/methods/types.js';
import type { RemoteCommand } from '../../src/ssh/types.js';

const tmp = mkdtempSync(join(tmpdir(), 'nau-backup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a planned command locally with sh, as the executor would on the host. */
function runLocal(cmd: RemoteCommand): string {
  return execFileSync('sh', ['-c', cmd.script ?? cmd.argv!.join(' ')], { input: cmd.stdin ?? '', encoding: 'utf8' });
}

function state(over: Partial<NodeState>): NodeState {
  return {
    host: {
      name: 'm',
      host: 'h',
      port: 22,
      user: 'root',
      role: 'master',
      method: 'docker',
      url: 'http://x',
      container: 'new-api',
      service: 'new-api',
      sudo: false,
    },
    method: 'docker',
    env: {},
    database: 'sqlite',
    secrets: [],
    leftovers: [],
    ...over,
  };
}

const probe = (over: Partial<BackupProbe> = {}): BackupProbe => ({
  freeKb: 10_000_000,
  dbBytes: 100_000,
  dbFileExists: true,
  sqlite3: true,
  ...over,
});
const opts = (over: Partial<BackupOptions> = {}): BackupOptions => ({
  backupDir: join(tmp, 'backups'),
  instance: 'docker-new-api',
  fromVersion: 'v0.9.1',
  toVersion: 'v0.9.2',
  database: true,
  keep: 3,
  now: new Date('2025-11-29T21:41:38.123Z'),
  configFiles: [],
  ...over,
});

describe('database detection (New API’s own rule)', () => {
  it('SQL_DSN postgres(ql):// → postgres, other non-empty → mysql, none → sqlite', () => {
    expect(detectDatabase({ SQL_DSN: 'postgresql://root:123456@postgres:5432/new-api' })).toBe('postgres');
    expect(detectDatabase({ SQL_DSN: 'postgres://u@h/db' })).toBe('postgres');
    expect(detectDatabase({ SQL_DSN: 'root:123456@tcp(localhost:3306)/oneapi' })).toBe('mysql');
    expect(detectDatabase({ SQL_DSN: '  ' })).toBe('sqlite');
    expect(detectDatabase({})).toBe('sqlite');
    // New API's own switch: a DSN starting with "local" means SQLite.
    expect(detectDatabase({ SQL_DSN: 'local' })).toBe('sqlite');
  });

  it('maps the container path of the database to the host through the mounts (longest match)', () => {
    const mounts = [
      { Source: '/srv/new-api', Destination: '/' },
      { Source: '/srv/new-api/data', Destination: '/data' },
      { Source: '/mnt/db', Destination: '/data/db/' },
    ];
    expect(hostPathOf(mounts, '/data/one-api.db')).toBe('/srv/new-api/data/one-api.db');
    expect(hostPathOf(mounts, '/data/db/x.db')).toBe('/mnt/db/x.db');
    expect(hostPathOf([{ Source: '/a', Destination: '/data' }], '/database.db')).toBeUndefined();
  });
});

describe('parseDsn', () => {
  it('postgres URLs, percent-decoded', () => {
    expect(parseDsn('postgresql://root:p%40ss%2Fw@postgres:5433/new-api?sslmode=disable')).toEqual({
      kind: 'postgres',
      host: 'postgres',
      port: 5433,
      user: 'root',
      password: 'p@ss/w',
      database: 'new-api',
    });
    expect(parseDsn('postgres://u@db/x')).toMatchObject({ port: 5432, password: '', database: 'x' });
  });

  it('go-sql-driver MySQL DSNs, passwords with @ and / included', () => {
    expect(parseDsn('root:123456@tcp(localhost:3306)/oneapi?charset=utf8mb4&parseTime=True')).toEqual({
      kind: 'mysql',
      host: 'localhost',
      port: 3306,
      user: 'root',
      password: '123456',
      database: 'oneapi',
    });
    expect(parseDsn('app:p@ss/w:rd@tcp(mysql)/newapi')).toMatchObject({
      user: 'app',
      password: 'p@ss/w:rd',
      host: 'mysql',
      port: 3306,
      database: 'newapi',
    });
    expect(parseDsn('app:pw@unix(/run/mysqld/mysqld.sock)/newapi')).toMatchObject({
      socket: '/run/mysqld/mysqld.sock',
      database: 'newapi',
    });
    expect(parseDsn('app:pw@tcp([::1]:3307)/db')).toMatchObject({ host: '::1', port: 3307 });
  });
});

describe('planBackup', () => {
  it('names the folder <backup-dir>/<instance>/<UTC stamp>-<from-version>', () => {
    expect(backupStamp(new Date('2025-11-29T21:41:38.123Z'))).toBe('20251129T214138Z');
    const p = planBackup(state({ sqliteHostPath: '/srv/d/one-api.db' }), probe(), opts());
    expect(p.dir).toBe(join(tmp, 'backups', 'docker-new-api', '20251129T214138Z-v0.9.1'));
    expect(p.databaseFile).toBe('database/one-api.db');
  });

  it('sqlite with sqlite3 on the host: an online .backup, checked, no downtime', () => {
    const p = planBackup(state({ sqliteHostPath: '/srv/d/one-api.db' }), probe(), opts());
    expect(p.whileStopped).toBeUndefined();
    expect(p.commands.map((c) => c.label).join('\n')).toContain('sqlite3 .backup');
  });

  it('sqlite without sqlite3: the copy moves into the swap and the report says it costs downtime', () => {
    const p = planBackup(state({ sqliteHostPath: '/srv/d/one-api.db' }), probe({ sqlite3: false }), opts());
    expect(p.whileStopped).toContain('-wal');
    expect(p.notes.join(' ')).toMatch(/downtime/);
  });

  it('refuses when the disk lacks room for twice the database', () => {
    expect(() =>
      planBackup(state({ sqliteHostPath: '/d/x.db' }), probe({ freeKb: 500, dbBytes: 10_000_000 }), opts()),
    ).toThrow(/not enough free space/);
  });

  it('refuses a server database with no dump tool anywhere, naming the fix', () => {
    const s = state({ database: 'postgres', env: { SQL_DSN: 'postgresql://root:123456@postgres:5432/new-api' } });
    expect(() => planBackup(s, probe(), opts())).toThrow(BackupRefused);
    expect(() => planBackup(s, probe(), opts())).toThrow(/postgresql-client/);
  });

  it('dumps postgres inside its container with the password on stdin only', () => {
    const s = state({ database: 'postgres', env: { SQL_DSN: 'postgresql://root:S3cr3t-pw@postgres:5432/new-api' } });
    const p = planBackup(s, probe({ dbContainer: 'abc123', containerDump: 'pg_dump' }), opts());
    const dump = p.commands.find((c) => c.label.includes('dump'))!;
    expect(dump.script).toContain(`docker exec -e PGPASSWORD abc123 pg_dump --clean --if-exists -U root -d new-api`);
    expect(dump.script).not.toContain('S3cr3t-pw');
    expect(dump.stdin).toBe('S3cr3t-pw\n');
    expect(p.databaseFile).toBe('database/new-api.sql');
  });

  it('dumps mysql with a host client over TCP, password through MYSQL_PWD', () => {
    const s = state({ database: 'mysql', env: { SQL_DSN: 'app:pw@tcp(10.0.0.5:3307)/newapi' } });
    const dump = planBackup(s, probe({ hostDump: 'mariadb-dump' }), opts()).commands.find((c) =>
      c.label.includes('dump'),
    )!;
    expect(dump.script).toContain('export MYSQL_PWD');
    expect(dump.script).toContain("mariadb-dump -h 10.0.0.5 -P 3307 '--protocol=TCP' --single-transaction");
    expect(dump.script).not.toMatch(/-ppw|--password/);
  });
});

describe('backup scripts, run for real on local files', () => {
  it('online sqlite backup, config copy, verify, retention', () => {
    const data = join(tmp, 'data');
    mkdirSync(data, { recursive: true });
    const db = join(data, 'one-api.db');
    execFileSync('sqlite3', [db, 'pragma journal_mode=wal; create table t(v); insert into t values (42);']);
    const conf = join(tmp, 'docker-compose.yml');
    writeFileSync(conf, 'services: {}\n');
    const s = state({ sqliteHostPath: db });
    let last = '';
    for (let i = 0; i < 5; i++) {
      const p = planBackup(
        s,
        probe(),
        opts({ now: new Date(Date.UTC(2025, 10, 29, 21, 0, i)), configFiles: [conf, join(tmp, 'missing.env')] }),
      );
      for (const c of p.commands) last = runLocal(c);
      const files = parseVerify(last);
      expect(files.map((f) => f.path).sort()).toEqual([`config${conf}`, 'database/one-api.db']);
      expect(files.every((f) => f.bytes > 0 && /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
      expect(
        execFileSync('sqlite3', [join(p.dir, 'database/one-api.db'), 'select v from t'], { encoding: 'utf8' }).trim(),
      ).toBe('42');
      expect(statSync(p.dir).mode & 0o777).toBe(0o700);
    }
    runLocal(retentionCommand(join(tmp, 'backups'), 'docker-new-api', 3));
    expect(readdirSync(join(tmp, 'backups', 'docker-new-api')).sort()).toEqual([
      '20251129T210002Z-v0.9.1',
      '20251129T210003Z-v0.9.1',
      '20251129T210004Z-v0.9.1',
    ]);
  });

  it('the stopped copy takes -wal/-shm along, and restore puts them back with owner and mode kept', () => {
    const data = join(tmp, 'data2');
    mkdirSync(data, { recursive: true });
    const db = join(data, 'one-api.db');
    writeFileSync(db, 'main');
    writeFileSync(`${db}-wal`, 'wal');
    const p = planBackup(
      state({ sqliteHostPath: db }),
      probe({ sqlite3: false }),
      opts({ backupDir: join(tmp, 'b2') }),
    );
    for (const c of p.commands) runLocal(c);
    execFileSync('sh', ['-c', `set -eu\n${p.whileStopped!}`]);
    const sums = readFileSync(join(p.dir, 'SHA256SUMS'), 'utf8');
    expect(sums).toMatch(/ {2}database\/one-api\.db-wal\n/);
    const sha = sums
      .split('\n')
      .find((l) => l.endsWith('  database/one-api.db'))!
      .split(' ')[0];

    writeFileSync(db, 'changed since');
    writeFileSync(`${db}-shm`, 'stale shm');
    execFileSync('chmod', ['640', db]);
    execFileSync('sh', ['-c', `set -eu\n${sqliteRestoreScript(join(p.dir, 'database/one-api.db'), sha, db)}`]);
    expect(readFileSync(db, 'utf8')).toBe('main');
    expect(readFileSync(`${db}-wal`, 'utf8')).toBe('wal');
    expect(() => statSync(`${db}-shm`)).toThrow();
    expect(statSync(db).mode & 0o777).toBe(0o640);
    // A checksum that does not match refuses to restore.
    expect(() =>
      execFileSync('sh', ['-c', sqliteRestoreScript(join(p.dir, 'database/one-api.db'), '0'.repeat(64), db)], {
        stdio: 'pipe',
      }),
    ).toThrow();
  });
});

describe('parseBackupProbe', () => {
  it('reads the probe’s key=value lines', () => {
    expect(
      parseBackupProbe(
        'free_kb=123\nsqlite3=yes\ndb_file=yes\ndb_bytes=4096\nhost_dump=\ndb_container=abc\ncontainer_dump=pg_dump\n',
      ),
    ).toEqual({
      freeKb: 123,
      dbBytes: 4096,
      dbFileExists: true,
      sqlite3: true,
      hostDump: undefined,
      hostRestore: undefined,
      dbContainer: 'abc',
      containerDump: 'pg_dump',
      containerRestore: undefined,
    });
  });
});

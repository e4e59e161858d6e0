/**
 * The integration tests' handle on the test bed (test/bed, see its README): read its state, run commands
 * inside a host for setup and assertions, deploy starting states, and run the bundled action the way the
 * GitHub runner does. The bed must be up (`sudo bash test/bed/bed.sh up`); these helpers never start it.
 *
 * hostSh enters a host's namespaces directly (nsenter), NOT through SSH: it is the test's own access to
 * the machine, so what the action does over SSH is observed independently of the action's SSH code.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BED_SRC = join(REPO_ROOT, 'test/bed');
const NOT_UP = 'the test bed is not up: run `sudo bash test/bed/bed.sh up`';

export interface BedHost {
  name: string;
  address: string;
  port: number;
  user: string;
  role: 'master' | 'slave';
  /** Network namespace (`ip netns exec <netns> …` works from the root namespace). */
  netns: string;
  /** The host's private directories as seen from the root namespace (e.g. `<root>/srv` is its /srv). */
  root: string;
  /** The process anchoring the host's namespaces. */
  pid: number;
  /** The cgroup every process of the host runs in (so `bed.sh down` stops them). */
  cgroup: string;
}

export interface Bed {
  dir: string;
  /** `10.77.0.1:5000`: every host's dockerd pulls from it (insecure registry). */
  registry: string;
  /** `10.77.0.1:5000/calciumion/new-api`: one tag per catalog release, plus `latest`. */
  image: string;
  /** The fake GitHub API (releases, comments, deployments); empty when it is not part of the bed. */
  githubApiUrl: string;
  /** JSON lines: every request the fake GitHub API received. */
  githubRecord: string;
  /** ed25519 key without passphrase, authorized for root, deploy, deploy-nopw and pwuser on every host. */
  sshKey: string;
  /** The same users' PEM ("BEGIN RSA PRIVATE KEY") key, passphrase `sshKeyRsaPemPassphrase`. */
  sshKeyRsaPem: string;
  sshKeyRsaPemPassphrase: string;
  /** known_hosts lines (ed25519, rsa, ecdsa) for every host. */
  knownHosts: string;
  /** Bare git repository: one tagged commit per catalog release (the source fixture clones it). */
  sourceRepo: string;
  hosts: BedHost[];
}

/** Users every bed host has besides root (keys: `sshKey` / `sshKeyRsaPem`). */
export const BED_USERS = {
  /** password-less sudo */
  deploy: 'deploy',
  /** sudo asks a password, so `sudo -n` fails */
  deployNoPassword: 'deploy-nopw',
  /** password authentication */
  passwordUser: 'pwuser',
  password: 'pwpass123',
} as const;

/** Where the fixtures put things on a host. */
export const FIXTURE_PATHS = {
  /** docker fixture: `-v /srv/new-api/data:/data` */
  dockerData: '/srv/new-api/data',
  /** compose fixture: project directory (docker-compose.yml, .env, data/, logs/) */
  composeDir: '/opt/new-api',
  /** source fixture: the git checkout, its binary `new-api` and (db local) its `one-api.db` */
  sourceDir: '/opt/new-api-src',
  /** source fixture: `restart`, `stop`, `logs` scripts and the `env` file */
  sourceService: '/opt/new-api-service',
  /** source fixture: the server's output */
  sourceLog: '/var/log/new-api.log',
  /** db shared: the cluster's SQLite database directory, the same on every host */
  clusterDb: '/mnt/cluster-db',
} as const;

export interface CatalogRelease {
  tag: string;
  binary: string;
  auth: 'old' | 'new';
  prerelease?: boolean;
  fault?: string;
  published_at: string;
  body: string;
}

export interface Catalog {
  repository: string;
  imageRepo: string;
  seed: {
    adminUsername: string;
    adminPassword: string;
    adminUserId: string;
    adminAccessToken: string;
    apiKey: string;
    channels: { id: number; name: string; status: number }[];
  };
  releases: CatalogRelease[];
}

export function catalog(): Catalog {
  return JSON.parse(readFileSync(join(BED_SRC, 'catalog.json'), 'utf8')) as Catalog;
}

/** Reads the bed's state.json; throws a message saying what to run when the bed is not usable. */
export function loadBed(): Bed {
  if (process.getuid?.() !== 0) throw new Error(`${NOT_UP} (the bed's helpers need root, this process is not)`);
  const file = join(process.env.NAU_BED_DIR ?? '/var/lib/nau-bed', 'state.json');
  if (!existsSync(file)) throw new Error(`${NOT_UP} (no ${file})`);
  return JSON.parse(readFileSync(file, 'utf8')) as Bed;
}

export function bedHost(name: string, bed: Bed = loadBed()): BedHost {
  const host = bed.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no bed host named ${name} (hosts: ${bed.hosts.map((h) => h.name).join(', ')})`);
  try {
    process.kill(host.pid, 0);
  } catch {
    throw new Error(`bed host ${name} is not running: ${NOT_UP}`);
  }
  return host;
}

export interface ShResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<ShResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          stderr += `\n[bed] killed after ${opts.timeoutMs} ms`;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    // A short command may exit before reading its input: that is not an error of the test.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

// The environment an SSH session of root gets on a bed host (sshd's PATH for root, HOME=/root).
const HOST_ENV =
  'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root USER=root LOGNAME=root SHELL=/bin/bash LANG=C.UTF-8';

/**
 * Runs a bash script as root inside a host (its network, mount and UTS namespaces and its cgroup), with
 * root's SSH environment and /root as working directory. Never rejects for a non-zero exit: check `code`.
 */
export async function hostSh(
  name: string,
  script: string,
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<ShResult> {
  const host = bedHost(name);
  const enter =
    'echo $$ > "$1/cgroup.procs" && exec nsenter -t "$2" -m -n -u --wd=/root -- /usr/bin/env -i ' +
    `${HOST_ENV} bash -c "$3"`;
  return run('bash', ['-c', enter, 'bed-host-sh', host.cgroup, String(host.pid), script], {
    input: opts.input,
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
}

/** hostSh that throws (with the script's output) unless it exits 0; resolves to its stdout. */
export async function hostShOk(name: string, script: string, opts: { input?: string; timeoutMs?: number } = {}) {
  const r = await hostSh(name, script, opts);
  if (r.code !== 0) throw new Error(`on ${name}, \`${script}\` exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export interface NewApiStatus {
  version: string;
  start_time: number;
  setup: boolean;
}

/** New API's /api/status on a host (from inside it), or undefined when it does not answer. */
export async function hostStatus(name: string, port = 3000): Promise<NewApiStatus | undefined> {
  const r = await hostSh(name, `curl -s --max-time 3 http://127.0.0.1:${port}/api/status`);
  try {
    return (JSON.parse(r.stdout) as { data: NewApiStatus }).data;
  } catch {
    return undefined;
  }
}

async function fixtures(args: string[], timeoutMs: number): Promise<string> {
  const r = await run('bash', [join(BED_SRC, 'fixtures.sh'), ...args], { timeoutMs });
  if (r.code !== 0) throw new Error(`fixtures.sh ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export type FixtureKind = 'docker' | 'compose' | 'source';

export interface FixtureOptions {
  /**
   * `local` (default): the node's own SQLite file in its data directory, as in New API's guide.
   * `shared`: the cluster's database (/mnt/cluster-db on every host): deploy the master first, it seeds.
   */
  db?: 'local' | 'shared';
  /** Extra environment for New API (e.g. `{ GLOBAL_API_RATE_LIMIT_ENABLE: 'false' }`). */
  env?: Record<string, string>;
  /** Wait until /api/status answers (default true). */
  wait?: boolean;
  timeoutSec?: number;
}

/**
 * Deploys New API `tag` on a host the way users do (test/bed/fixtures.sh): `docker` is the guide's
 * `docker run`, `compose` the official compose project in /opt/new-api, `source` a git checkout built
 * web-first and run by /opt/new-api-service/restart. Slaves get NODE_TYPE=slave; all share SESSION_SECRET
 * and CRYPTO_SECRET. Replaces what the host ran. Resolves to /api/status's data once it answers (unless
 * `wait: false`).
 */
export async function deployFixture(
  name: string,
  kind: FixtureKind,
  tag: string,
  opts: FixtureOptions = {},
): Promise<NewApiStatus | undefined> {
  bedHost(name);
  const timeoutSec = opts.timeoutSec ?? 90;
  const args = ['deploy', name, kind, tag, '--db', opts.db ?? 'local', '--timeout', String(timeoutSec)];
  for (const [k, v] of Object.entries(opts.env ?? {})) args.push('--env', `${k}=${v}`);
  if (opts.wait === false) args.push('--no-wait');
  const out = await fixtures(args, (timeoutSec + 120) * 1000);
  const ready = /^ready: (.*)$/m.exec(out);
  return ready ? (JSON.parse(ready[1]) as { data: NewApiStatus }).data : undefined;
}

/**
 * A cluster on one shared database: the master (the bed's first host) first, so it migrates and seeds,
 * then the slaves in parallel. `kinds` maps host names to fixture kinds.
 */
export async function deployCluster(
  kinds: Record<string, FixtureKind>,
  tag: string,
  opts: Omit<FixtureOptions, 'db'> = {},
): Promise<void> {
  const bed = loadBed();
  const names = Object.keys(kinds);
  const masters = names.filter((n) => bedHost(n, bed).role === 'master');
  for (const n of masters) await deployFixture(n, kinds[n], tag, { ...opts, db: 'shared' });
  await Promise.all(
    names.filter((n) => !masters.includes(n)).map((n) => deployFixture(n, kinds[n], tag, { ...opts, db: 'shared' })),
  );
}

/**
 * A clean host: no containers, networks, volumes (nor images unless keepImages), no process left by a
 * deployment, startPostgres or an action run (only sshd and dockerd keep running), and empty /srv, /opt,
 * /data, /var/backups, /var/lib/new-api-update, /tmp.
 */
export async function resetHost(name: string, opts: { keepImages?: boolean } = {}): Promise<void> {
  bedHost(name);
  await fixtures(['reset', name, ...(opts.keepImages ? ['--keep-images'] : [])], 120_000);
}

/** Every host reset, and the cluster's shared database emptied. */
export async function resetBed(opts: { keepImages?: boolean } = {}): Promise<void> {
  const bed = loadBed();
  await Promise.all(bed.hosts.map((h) => resetHost(h.name, opts)));
  await fixtures(['reset-db'], 30_000);
}

/**
 * Starts a real PostgreSQL 15 server on a host (its own 127.0.0.1:5432; data in /srv/postgres) with
 * database `new-api` holding New API's users, tokens, channels and logs tables, for the SQL_DSN paths
 * the SQLite-only stub cannot back (pg_dump backups and restores). Resolves to its DSN as seen from
 * that host. resetHost stops it.
 */
export async function startPostgres(name: string): Promise<string> {
  bedHost(name);
  return (await fixtures(['postgres', name], 60_000)).trim();
}

/** The inventory keys that describe a fixture's deployment to the action. */
export function fixtureHostFields(kind: FixtureKind): Record<string, string> {
  switch (kind) {
    case 'docker':
      return { method: 'docker', container: 'new-api' };
    case 'compose':
      return { method: 'compose', 'project-dir': FIXTURE_PATHS.composeDir, service: 'new-api' };
    case 'source':
      return {
        method: 'source',
        'source-dir': FIXTURE_PATHS.sourceDir,
        restart: `${FIXTURE_PATHS.sourceService}/restart`,
        logs: `${FIXTURE_PATHS.sourceService}/logs`,
      };
  }
}

/**
 * YAML for the action's `hosts` input: name, host, port, user and role of each named bed host, merged
 * with `overrides[name]` (a key set to undefined or null is left out), e.g.
 * `hostsInput(bed, ['master', 'slave-1'], { 'slave-1': fixtureHostFields('compose') })`.
 */
export function hostsInput(bed: Bed, names: string[], overrides: Record<string, Record<string, unknown>> = {}): string {
  const entries = names.map((name) => {
    const h = bed.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no bed host named ${name}`);
    const entry: Record<string, unknown> = { name, host: h.address, port: h.port, user: h.user, role: h.role };
    for (const [k, v] of Object.entries(overrides[name] ?? {})) {
      if (v === undefined || v === null) delete entry[k];
      else entry[k] = v;
    }
    return entry;
  });
  return stringify(entries);
}

/** The seeded credentials (catalog.json), as the action's check inputs. */
export function seedInputs(): Record<string, string> {
  const { seed } = catalog();
  return {
    'admin-username': seed.adminUsername,
    'admin-password': seed.adminPassword,
    'admin-access-token': seed.adminAccessToken,
    'admin-user-id': seed.adminUserId,
    'api-key': seed.apiKey,
  };
}

export type ActionInputs = Record<string, string | number | boolean | undefined>;

/**
 * The environment the runner gives the action's process: INPUT_<NAME> (upper-cased, hyphens kept) for
 * every input, and the GITHUB_* context of a workflow_dispatch run in repository bed/new-api-ops. Inputs
 * default to what connects to the bed (key, known_hosts, image, releases API, token) and to short
 * timeouts; an input set to undefined is left out (the action's own default applies). `hosts` is required.
 */
export function actionEnv(bed: Bed, inputs: ActionInputs): Record<string, string> {
  const all: ActionInputs = {
    'ssh-private-key': readFileSync(bed.sshKey, 'utf8'),
    'ssh-known-hosts': readFileSync(bed.knownHosts, 'utf8'),
    image: bed.image,
    'releases-api-url': bed.githubApiUrl || undefined,
    'github-token': 'bed-github-token',
    repository: catalog().repository,
    'ssh-timeout': 10,
    'health-timeout': 60,
    'stability-seconds': 3,
    'lock-timeout': 10,
    'comment-on-pr': false,
    ...inputs,
  };
  if (all.hosts === undefined) throw new Error('actionEnv: the hosts input is required (see hostsInput)');
  const env: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: 'bed/new-api-ops',
    GITHUB_REPOSITORY_OWNER: 'bed',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: '0000000000000000000000000000000000000001',
    GITHUB_WORKFLOW: 'Update New API',
    GITHUB_JOB: 'update',
    GITHUB_ACTION: 'update',
    GITHUB_ACTOR: 'bed-user',
    GITHUB_RUN_ID: String(1_000_000 + Math.floor(Math.random() * 1_000_000_000)),
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_OS: 'Linux',
  };
  if (bed.githubApiUrl) env.GITHUB_API_URL = bed.githubApiUrl;
  for (const [name, value] of Object.entries(all)) {
    if (value !== undefined) env[`INPUT_${name.toUpperCase()}`] = String(value);
  }
  return env;
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file: `name<<DELIMITER` … `DELIMITER` blocks and `name=value` lines. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter, i + 1);
      if (end < 0) throw new Error(`unterminated ${name}<<${delimiter} in a command file`);
      out[name] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Step outputs (GITHUB_OUTPUT). */
  outputs: Record<string, string>;
  /** The job summary (GITHUB_STEP_SUMMARY), markdown/HTML. */
  summary: string;
  /** What the step saved for its post step (GITHUB_STATE). */
  state: Record<string, string>;
}

/**
 * Runs the bundled action (`node dist/index.js`) as the runner does: a clean environment (PATH, HOME and
 * `env`), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_STATE files in a fresh RUNNER_TEMP. With
 * `post: <the main step's ActionRun>` it runs the post step: the runner passes the main step's saved
 * state as STATE_<name>. `entry` runs another script the same way.
 */
export async function runAction(
  env: Record<string, string>,
  opts: { timeoutMs?: number; post?: ActionRun; entry?: string } = {},
): Promise<ActionRun> {
  const temp = mkdtempSync(join(tmpdir(), 'nau-action-'));
  const files = { output: join(temp, 'output'), summary: join(temp, 'summary'), state: join(temp, 'state') };
  // The runner creates them; @actions/core refuses to write to a missing file.
  for (const f of Object.values(files)) writeFileSync(f, '');
  const stateEnv = Object.fromEntries(Object.entries(opts.post?.state ?? {}).map(([k, v]) => [`STATE_${k}`, v]));
  try {
    const r = await run(process.execPath, [opts.entry ?? join(REPO_ROOT, 'dist/index.js')], {
      env: {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: process.env.HOME ?? '/root',
        LANG: 'C.UTF-8',
        RUNNER_TEMP: temp,
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        GITHUB_STATE: files.state,
        ...stateEnv,
        ...env,
      },
      timeoutMs: opts.timeoutMs ?? 300_000,
    });
    const read = (f: string) => readFileSync(f, 'utf8');
    return {
      ...r,
      outputs: parseCommandFile(read(files.output)),
      summary: read(files.summary),
      state: parseCommandFile(read(files.state)),
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** The requests the fake GitHub API recorded so far (one JSON object per line of its record file). */
export function githubRequests(bed: Bed): Record<string, unknown>[] {
  if (!existsSync(bed.githubRecord)) return [];
  return readFileSync(bed.githubRecord, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Whole-action tests on the bed's 3-node cluster (one shared SQLite database, docker fixtures): the
 * inputs that reach it, the report, what every node serves, whether the data is intact, and running
 * the bundled action in the background so a test can act on the hosts (or on the action) mid-run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  REPO_ROOT,
  actionEnv,
  bedHost,
  fixtureHostFields,
  hostSh,
  hostShOk,
  hostStatus,
  hostsInput,
  parseCommandFile,
  seedInputs,
  type ActionInputs,
  type ActionRun,
  type Bed,
} from '../bed.js';
import type { HostReport, RunReport } from '../../../src/report/types.js';

export const CLUSTER = ['master', 'slave-1', 'slave-2'];
export const CLUSTER_DB = '/mnt/cluster-db/one-api.db';

/** The inventory of the docker cluster. */
export function clusterHosts(bed: Bed, names: string[] = CLUSTER): string {
  return hostsInput(bed, names, Object.fromEntries(names.map((n) => [n, fixtureHostFields('docker')])));
}

/**
 * The action's environment for the docker cluster, checks authenticated by the seeded access token (not
 * the password, whose login endpoint is rate-limited), then `inputs`.
 */
export function clusterEnv(bed: Bed, inputs: ActionInputs): Record<string, string> {
  return actionEnv(bed, {
    ...seedInputs(),
    'admin-username': undefined,
    'admin-password': undefined,
    hosts: clusterHosts(bed),
    ...inputs,
  });
}

export function parseReport(run: ActionRun): RunReport {
  if (!run.outputs.report) throw new Error(`the run wrote no report output:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.outputs.report) as RunReport;
}

export function hostOf(report: RunReport, name: string): HostReport {
  const h = report.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no host ${name} in the report`);
  return h;
}

/** The version each node serves (/api/status from inside the host), undefined where nothing answers. */
export async function servedVersions(names: string[] = CLUSTER): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  await Promise.all(names.map(async (n) => (out[n] = (await hostStatus(n))?.version)));
  return out;
}

/** Polls until every node answers /api/status (a host step may still be reverting), at most `ms`. */
export async function waitAllServing(
  names: string[] = CLUSTER,
  ms = 60_000,
): Promise<Record<string, string | undefined>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await servedVersions(names);
    if (names.every((n) => v[n]) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The container ID each host runs: a node left untouched keeps its exact container. */
export async function containerIds(names: string[] = CLUSTER): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of names) out[n] = (await hostShOk(n, "docker inspect -f '{{.Id}}' new-api")).trim();
  return out;
}

/** When each host's running container was created: the order the rollout took. */
export async function createdAt(names: string[] = CLUSTER): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = Date.parse((await hostShOk(n, "docker inspect -f '{{.Created}}' new-api")).trim());
  return out;
}

/** Row counts of the shared database (as seen from the master): data intact means these did not change. */
export async function rowCounts(): Promise<string> {
  return (
    await hostShOk(
      'master',
      `sqlite3 ${CLUSTER_DB} 'select count(*) from users; select count(*) from tokens; select count(*) from channels;'`,
    )
  ).trim();
}

/**
 * A checksum of the shared database's content that users rely on: every row of users, tokens and
 * channels (a disabled channel or a dropped table changes it). Errors (a missing table) are part of it.
 */
export async function dataChecksum(): Promise<string> {
  const r = await hostSh(
    'master',
    `sqlite3 -readonly ${CLUSTER_DB} 'select * from users order by id; select * from tokens order by id; ` +
      `select * from channels order by id;' 2>&1 | sha256sum | cut -c1-64`,
  );
  return r.stdout.trim();
}

/** Everything a run could leave behind on a host, for before/after comparisons. */
export async function hostFootprint(name: string): Promise<string> {
  return hostShOk(
    name,
    "docker ps -a --no-trunc --format '{{.ID}} {{.Names}} {{.Status}}' | sed 's/Up [^)]*/Up/' | sort; " +
      'find /var/lib/new-api-update /var/backups -mindepth 1 2>/dev/null | sort',
  );
}

/**
 * The state of each host step on a host ('' when none ran), read from the root namespace's view of the
 * host's files: cheap enough to poll every few milliseconds.
 */
export async function hostStepState(name: string): Promise<string> {
  const dir = join(bedHost(name).root, 'var/lib/new-api-update/instances');
  if (!existsSync(dir)) return '';
  const states = readdirSync(dir).map((i) => {
    const f = join(dir, i, 'step/state');
    return existsSync(f) ? readFileSync(f, 'utf8').trim() : '';
  });
  return states.filter(Boolean).join('\n');
}

/** Polls `probe` until it returns a truthy value; throws after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T>, ms = 60_000, everyMs = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The bundled action running in the background. */
export interface RunningAction {
  readonly pid: number;
  /** stdout so far. */
  stdout(): string;
  /** Resolves once stdout matches `re`; rejects when the run ends first or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  /** The finished run, as runAction returns it. */
  done: Promise<ActionRun>;
}

/**
 * Starts `node dist/index.js` as runAction does (same runner files and environment), without waiting
 * for it: for cancelling it, killing it or racing another run against it.
 */
export function startAction(env: Record<string, string>): RunningAction {
  const temp = mkdtempSync(join(tmpdir(), 'nau-action-'));
  const files = { output: join(temp, 'output'), summary: join(temp, 'summary'), state: join(temp, 'state') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/index.js')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      LANG: 'C.UTF-8',
      RUNNER_TEMP: temp,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_STATE: files.state,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  let ended = false;
  const watchers = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of [...watchers]) w();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<ActionRun>((resolve) => {
    child.on('close', (code, signal) => {
      ended = true;
      for (const w of [...watchers]) w();
      const read = (f: string) => readFileSync(f, 'utf8');
      const run: ActionRun = {
        code: code ?? (signal ? 128 : 1),
        stdout,
        stderr,
        outputs: parseCommandFile(read(files.output)),
        summary: read(files.summary),
        state: parseCommandFile(read(files.state)),
      };
      rmSync(temp, { recursive: true, force: true });
      resolve(run);
    });
  });
  return {
    pid: child.pid!,
    stdout: () => stdout,
    waitFor: (re, ms = 120_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => settle(new Error(`no ${re} in the action's output after ${ms} ms`)), ms);
        const settle = (err?: Error) => {
          watchers.delete(check);
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        };
        const check = () => {
          if (re.test(stdout)) settle();
          else if (ended) settle(new Error(`the action ended without printing ${re}:\n${stdout}\n${stderr}`));
        };
        watchers.add(check);
        check();
      }),
    kill: (signal) => {
      if (!ended) child.kill(signal);
    },
    done,
  };
}

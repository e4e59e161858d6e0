/**
 * The bench's handle on the test bed and on the bundled action. Same contract as scripts/run-action.sh
 * (inputs as the runner passes them) and test/integration/bed.ts (state.json, fixtures.sh), in plain ESM
 * so that node runs it without a build. The action is spawned directly, not through run-action.sh, because
 * wall-clock timings here must hold the action's process and nothing else.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { machineBusyMs } from './stats.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BED_DIR = process.env.NAU_BED_DIR ?? '/var/lib/nau-bed';
/** The bundle under test: dist/index.js, or BENCH_ACTION (e.g. a candidate fix's bundle, to compare). */
export const ACTION_ENTRY = resolve(process.env.BENCH_ACTION ?? join(REPO_ROOT, 'dist/index.js'));
export const CATALOG = JSON.parse(readFileSync(join(REPO_ROOT, 'test/bed/catalog.json'), 'utf8'));

export function loadBed() {
  return JSON.parse(readFileSync(join(BED_DIR, 'state.json'), 'utf8'));
}

/** Runs a command to completion; resolves {code, stdout, stderr, ms}. Never rejects on a non-zero exit. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started }),
    );
    // A command that exits without reading its stdin must not crash the bench with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input);
  });
}

/** run() that throws with the command's output unless it exits 0. */
export async function runOk(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r;
}

export const bedSh = (...args) => runOk('bash', [join(REPO_ROOT, 'test/bed/bed.sh'), ...args]);
export const fixtures = (...args) => runOk('bash', [join(REPO_ROOT, 'test/bed/fixtures.sh'), ...args]);

/** The rate limits the benchmark switches off, so that 20 probes a second are not answered 429. */
export const NO_RATE_LIMIT = ['GLOBAL_API_RATE_LIMIT_ENABLE=false', 'CRITICAL_RATE_LIMIT_ENABLE=false'];

/** The guide's docker deployment of `tag` on a host, rate limits off. */
export async function deployDocker(host, tag, db = 'local') {
  await fixtures('reset', host, '--keep-images');
  await fixtures('deploy', host, 'docker', tag, '--db', db, ...NO_RATE_LIMIT.flatMap((e) => ['--env', e]));
}

/** The `hosts` input for bed hosts deployed with the docker fixture. */
export function hostsYaml(bed, names) {
  return stringify(
    names.map((name) => {
      const h = bed.hosts.find((x) => x.name === name);
      if (!h) throw new Error(`no bed host named ${name}`);
      return {
        name,
        host: h.address,
        port: h.port,
        user: h.user,
        role: h.role,
        method: 'docker',
        container: 'new-api',
      };
    }),
  );
}

function parseCommandFile(text) {
  const out = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
    }
  }
  return out;
}

/** The environment the runner gives the action, with the bed's connection and the seeded credentials. */
export function actionEnv(bed, inputs) {
  const { seed } = CATALOG;
  const all = {
    'ssh-private-key': readFileSync(bed.sshKey, 'utf8'),
    'ssh-known-hosts': readFileSync(bed.knownHosts, 'utf8'),
    image: bed.image,
    'releases-api-url': bed.githubApiUrl,
    'github-token': 'bench-token',
    repository: CATALOG.repository,
    'admin-access-token': seed.adminAccessToken,
    'admin-user-id': seed.adminUserId,
    'api-key': seed.apiKey,
    'ssh-timeout': 10,
    'health-timeout': 60,
    'stability-seconds': 3,
    'lock-timeout': 10,
    'comment-on-pr': false,
    ...inputs,
  };
  const env = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: bed.githubApiUrl,
    GITHUB_REPOSITORY: 'bench/new-api-ops',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_RUN_ID: String(1_000_000 + Math.floor(Math.random() * 1_000_000_000)),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'bench',
  };
  for (const [name, value] of Object.entries(all)) {
    if (value !== undefined) env[`INPUT_${name.toUpperCase()}`] = String(value);
  }
  return env;
}

/**
 * Runs `node dist/index.js` with `env`. Every line of its output is stamped with the wall-clock time it
 * arrived, so the bench can line the action's log up with the prober's rounds.
 * With `cpu`, also the action's own CPU time (cpu-usage.mjs preloaded) and the whole machine's CPU time
 * during the run (busyMs: the action, sshd, shells, docker, New API).
 * Resolves {code, ms, started, firstOutputMs, lines: [{t, line}], outputs, report, cpu?}.
 */
export async function runAction(env, { cpu = false } = {}) {
  const temp = mkdtempSync(join(tmpdir(), 'nau-bench-'));
  const files = { output: join(temp, 'output'), summary: join(temp, 'summary'), state: join(temp, 'state') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const fullEnv = {
    ...env,
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
  };
  const cpuFile = join(temp, 'cpu.json');
  if (cpu) {
    fullEnv.NODE_OPTIONS = `--import ${pathToFileURL(join(REPO_ROOT, 'bench/support/cpu-usage.mjs')).href}`;
    fullEnv.BENCH_CPU_FILE = cpuFile;
  }
  const busyBefore = machineBusyMs();
  try {
    return await new Promise((resolvePromise, reject) => {
      const started = Date.now();
      let firstOutputMs;
      const lines = [];
      const buffers = { stdout: '', stderr: '' };
      const child = spawn(process.execPath, [ACTION_ENTRY], { cwd: REPO_ROOT, env: fullEnv });
      for (const stream of ['stdout', 'stderr']) {
        child[stream].on('data', (d) => {
          const t = Date.now();
          firstOutputMs ??= t - started;
          buffers[stream] += d;
          const parts = buffers[stream].split('\n');
          buffers[stream] = parts.pop();
          for (const line of parts) lines.push({ t, line });
        });
      }
      child.stdin.on('error', () => {});
      child.stdin.end();
      child.on('error', reject);
      child.on('close', (code) => {
        const ms = Date.now() - started;
        for (const stream of ['stdout', 'stderr'])
          if (buffers[stream]) lines.push({ t: Date.now(), line: buffers[stream] });
        const outputs = parseCommandFile(readFileSync(files.output, 'utf8'));
        let report;
        try {
          report = JSON.parse(outputs.report ?? '');
        } catch {
          report = undefined;
        }
        let usage;
        if (cpu) {
          const own = JSON.parse(readFileSync(cpuFile, 'utf8'));
          usage = { actionMs: own.userMs + own.systemMs, busyMs: machineBusyMs() - busyBefore };
        }
        resolvePromise({ code, ms, started, firstOutputMs, lines, outputs, report, cpu: usage });
      });
    });
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

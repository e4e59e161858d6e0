#!/usr/bin/env node
/**
 * The benchmarks (`npm run bench` = scripts/bench.sh, which holds the bed lock and puts the bed back
 * afterwards). Brings the bed up with 3 hosts for the node and cluster figures, then with 20 for the
 * preflight. Each figure is measured against a baseline in the same run, on the same bed:
 *
 *   downtime of one node      the action (docker, backups and checks on) vs the guide's commands over ssh
 *   crash at boot             time to the failure verdict, then to the old version serving again
 *   no-op run                 the action on a host already on the target vs one plain ssh command
 *   preflight on 1/5/20 hosts a dry run; 20 hosts must stay within 2× of 1 host
 *   cold start, bundle size   `node dist/index.js` exiting on bad input vs `node -e 0`
 *   rolling update, 3 nodes   availability from a load balancer's view, action vs the guide node by node
 *
 * Prints the table and writes bench/RESULTS.md (and every raw figure to bench/RESULTS.json; `--render`
 * re-renders the Markdown from it without measuring). Progress goes to stderr. The stub's rate limits are off
 * (fixtures deployed with GLOBAL_API_RATE_LIMIT_ENABLE=false, CRITICAL_RATE_LIMIT_ENABLE=false): 20
 * probes a second would otherwise be answered 429 and read as downtime.
 * Environment: BENCH_RUNS (default 5), BENCH_DOWNTIME_RUNS (10), BENCH_CLUSTER_RUNS (3), BENCH_COLD_RUNS (10), BENCH_ACTION (the
 * bundle to measure, default dist/index.js), BENCH_OUT (default bench/RESULTS.md).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { timedSwap } from './support/anatomy.mjs';
import {
  ACTION_ENTRY,
  NO_RATE_LIMIT,
  REPO_ROOT,
  actionEnv,
  bedSh,
  deployDocker,
  fixtures,
  hostsYaml,
  loadBed,
  run,
  runAction,
  runOk,
} from './support/bed.mjs';
import { guideUpdateScript, ssh } from './support/manual.mjs';
import {
  PROBE_INTERVAL_MS,
  availability,
  firstServing,
  longestAllDown,
  longestOutage,
  startProber,
  waitFor,
} from './support/probes.mjs';
import { renderResults, renderTable } from './support/results.mjs';
import { profileSsh } from './support/ssh-profile.mjs';
import { machine, median, sampleBusy } from './support/stats.mjs';

const int = (v, d) => (v && /^\d+$/.test(v) ? Number(v) : d);
const RUNS = int(process.env.BENCH_RUNS, 5);
const CLUSTER_RUNS = int(process.env.BENCH_CLUSTER_RUNS, 3);
const COLD_RUNS = int(process.env.BENCH_COLD_RUNS, 10);
// The downtimes are a few probe intervals long, so their medians move in 50 ms steps: twice the runs.
const DOWNTIME_RUNS = int(process.env.BENCH_DOWNTIME_RUNS, 2 * RUNS);
const OUT = process.env.BENCH_OUT ?? join(REPO_ROOT, 'bench/RESULTS.md');
// Every figure, as measured: RESULTS.md is rendered from it (`node bench/bench.mjs --render` re-renders).
const RAW = OUT.replace(/\.md$/, '') + '.json';
const FROM = 'v0.10.1';
const TO = 'v0.10.2';
const CRASH = 'v0.10.3-crash';
const PREFLIGHT_SIZES = [1, 5, 20];
const CLUSTER = ['master', 'slave-1', 'slave-2'];
const SMALL_BED = CLUSTER.length;

const log = (m) => process.stderr.write(`[bench] ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let bed;
/** (Re)starts the bed with `n` hosts: 3 for the node and cluster figures, 20 only for the preflight. */
async function bedUp(n) {
  log(`test bed up with ${n} hosts`);
  await bedSh('up', '--hosts', String(n));
  bed = loadBed();
}
const host = (name) => bed.hosts.find((h) => h.name === name);
const localStatus = 'http://127.0.0.1:3000/api/status';
const remoteStatus = (name) => `http://${host(name).address}:3000/api/status`;

/** Waits until every probed node answers `version`, then keeps probing `ms` more (a steady edge). */
async function settle(prober, version, count, ms = 500) {
  await waitFor(
    `every node to serve ${version}`,
    () => [...Array(count).keys()].every((i) => prober.current(i).ok && prober.current(i).v === version),
    90_000,
  );
  await sleep(ms);
}

/**
 * Detection time: the report's steps from the swap's start through the last verification step (readiness,
 * checklist, stability) — the verdict follows right after it. Steps after the verdict (rollback, finalize,
 * post-update) are not counted.
 */
function detectionMs(report) {
  const steps = report?.hosts?.[0]?.steps ?? [];
  const from = steps.findIndex((s) => s.label === 'stop old, start new');
  if (from < 0) return undefined;
  const until = steps.slice(from).filter((s) => !/^(rollback|finalize|post-update)/.test(s.label));
  return until.reduce((sum, s) => sum + s.durationMs, 0);
}

/**
 * The machine is shared (other people's builds and tests run on it), and their load would be counted as
 * the action's. Before each measured run: wait up to a minute for the machine's load (sampled over 1 s)
 * to drop to QUIET_LOAD, then go on anyway. Every sample is kept and reported.
 */
const QUIET_LOAD = 0.3;
const loads = [];
async function quiet() {
  const end = Date.now() + 60_000;
  let load = await sampleBusy(1000);
  while (load > QUIET_LOAD && Date.now() < end) {
    log(`machine ${Math.round(load * 100)}% busy: waiting for it to quiet down`);
    await sleep(2000);
    load = await sampleBusy(1000);
  }
  loads.push(load);
  return load;
}

const swapLine = (runResult) => runResult.lines.find((l) => /\] swapping to /.test(l.line));

// ---------------------------------------------------------------------------------------------- scenarios

/** One update of `master` from FROM to TO, by the action or by the guide's commands; prober inside the host. */
async function singleNode(kind) {
  await deployDocker('master', FROM);
  const script = kind === 'manual' ? await guideUpdateScript(bed, 'master', TO) : undefined;
  const load = await quiet();
  const prober = await startProber([localStatus], { netns: host('master').netns });
  let r;
  let rounds;
  try {
    await settle(prober, FROM, 1);
    r =
      kind === 'action'
        ? await runAction(actionEnv(bed, { version: TO, hosts: hostsYaml(bed, ['master']) }))
        : await ssh(bed, 'master', script);
    await waitFor(`master to serve ${TO}`, () => prober.current().ok && prober.current().v === TO, 60_000).catch(
      () => undefined,
    );
    await sleep(1000);
  } finally {
    rounds = await prober.stop();
  }
  const outage = longestOutage(rounds);
  const served = firstServing(rounds, TO) !== undefined;
  const res = { outageMs: outage.ms, open: outage.open, totalMs: r.ms, load, ok: served && r.code === 0 };
  if (kind === 'action') {
    const h = r.report?.hosts?.[0];
    const swap = swapLine(r);
    Object.assign(res, {
      result: r.report?.result,
      reportedDowntimeMs: h?.downtimeMs,
      steps: Object.fromEntries((h?.steps ?? []).map((s) => [s.label, s.durationMs])),
      // Where the outage sits on the action's timeline (0 = the host step was launched).
      outageFromSwapMs: swap && outage.from ? outage.from - swap.t : undefined,
      error: h?.error,
    });
    res.ok &&= r.report?.result === 'updated';
  } else if (r.code !== 0) {
    res.error = r.stderr.trim();
  }
  return res;
}

async function crashAtBoot() {
  await deployDocker('master', FROM);
  const load = await quiet();
  const prober = await startProber([localStatus], { netns: host('master').netns });
  let r;
  let rounds;
  try {
    await settle(prober, FROM, 1);
    r = await runAction(actionEnv(bed, { version: CRASH, hosts: hostsYaml(bed, ['master']) }));
    await waitFor(`master to serve ${FROM} again`, () => prober.current().ok && prober.current().v === FROM, 60_000);
    await sleep(1000);
  } finally {
    rounds = await prober.stop();
  }
  const detect = detectionMs(r.report);
  const swap = swapLine(r);
  const verdictAt = swap && detect !== undefined ? swap.t + detect : undefined;
  const back = verdictAt ? firstServing(rounds, FROM, { from: verdictAt }) : undefined;
  const outage = longestOutage(rounds);
  return {
    result: r.report?.result,
    detectMs: detect,
    recoveryMs: back && verdictAt ? back - verdictAt : undefined,
    outageMs: outage.ms,
    totalMs: r.ms,
    load,
    error: r.report?.hosts?.[0]?.error,
    ok: r.report?.result === 'rolled-back' && back !== undefined,
  };
}

async function noop() {
  await deployDocker('master', TO);
  const action = [];
  const baseline = [];
  const results = [];
  for (let i = 0; i < RUNS; i++) {
    await quiet();
    const r = await runAction(actionEnv(bed, { version: TO, hosts: hostsYaml(bed, ['master']) }));
    action.push(r.ms);
    results.push(r.report?.result);
    const b = await ssh(bed, 'master', "docker inspect -f '{{.Config.Image}}' new-api");
    baseline.push(b.ms);
    log(`no-op ${i + 1}/${RUNS}: action ${r.ms} ms (${r.report?.result}), ssh ${b.ms} ms`);
  }
  return { action, baseline, results, ok: results.every((x) => x === 'up-to-date') };
}

async function coldStart() {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME ?? '/root', INPUT_VERSION: TO };
  const action = [];
  const firstOutput = [];
  const node = [];
  let message = '';
  for (let i = 0; i < COLD_RUNS; i++) {
    await quiet();
    const r = await runAction(env);
    action.push(r.ms);
    firstOutput.push(r.firstOutputMs);
    message = r.report?.errors?.[0] ?? message;
    node.push((await run(process.execPath, ['-e', '0'])).ms);
  }
  const bytes = statSync(ACTION_ENTRY).size;
  const gzip = gzipSync(readFileSync(ACTION_ENTRY)).length;
  return { action, firstOutput, node, message, bytes, gzip };
}

async function cluster(kind) {
  await fixtures('reset-db');
  await deployDocker('master', FROM, 'shared');
  await Promise.all(CLUSTER.slice(1).map((n) => deployDocker(n, FROM, 'shared')));
  // The guide's order: the slaves one by one, the master last.
  const guideOrder = [...CLUSTER.slice(1), 'master'];
  const scripts = kind === 'manual' ? await Promise.all(guideOrder.map((n) => guideUpdateScript(bed, n, TO))) : [];
  const load = await quiet();
  const prober = await startProber(CLUSTER.map(remoteStatus));
  let r;
  let rounds;
  try {
    await settle(prober, FROM, CLUSTER.length);
    const t0 = Date.now();
    if (kind === 'action') {
      r = await runAction(actionEnv(bed, { version: TO, hosts: hostsYaml(bed, CLUSTER) }));
    } else {
      r = { code: 0 };
      for (const [i, n] of guideOrder.entries()) {
        const s = await ssh(bed, n, scripts[i]);
        if (s.code !== 0) r = { code: s.code, error: s.stderr };
      }
      r.ms = Date.now() - t0;
    }
    await waitFor(
      `every node to serve ${TO}`,
      () => CLUSTER.every((_, i) => prober.current(i).ok && prober.current(i).v === TO),
      60_000,
    ).catch(() => undefined);
    await sleep(1000);
  } finally {
    rounds = await prober.stop();
  }
  const allDown = longestAllDown(rounds);
  return {
    availability: availability(rounds),
    rounds: rounds.length,
    allDownMs: allDown.ms,
    nodeOutageMs: CLUSTER.map((_, i) => longestOutage(rounds, i).ms),
    totalMs: r.ms,
    load,
    result: r.report?.result,
    ok: r.code === 0 && (kind === 'manual' || r.report?.result === 'updated'),
  };
}

async function preflight() {
  const names = bed.hosts.map((h) => h.name).slice(0, Math.max(...PREFLIGHT_SIZES));
  if (names.length < Math.max(...PREFLIGHT_SIZES)) {
    throw new Error(`the bed has ${names.length} hosts; preflight needs ${Math.max(...PREFLIGHT_SIZES)}`);
  }
  log(`deploying ${FROM} on ${names.length} hosts (4 at a time)`);
  const queue = [...names];
  await Promise.all(
    [...Array(4)].map(async () => {
      for (let n = queue.shift(); n; n = queue.shift()) await deployDocker(n, FROM);
    }),
  );
  // What the machine spends with nobody measuring: 20 idle hosts (dockerd, containerd, New API) and
  // whatever else runs on it. Each run's sample is subtracted from that run's CPU.
  const background = await sampleBusy(3000);
  log(`background load with ${names.length} idle hosts: ${Math.round(background * 100)}% of the machine`);
  const runs = Object.fromEntries(PREFLIGHT_SIZES.map((n) => [n, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const n of PREFLIGHT_SIZES) {
      const load = await quiet();
      const r = await runAction(
        actionEnv(bed, { version: TO, 'dry-run': true, hosts: hostsYaml(bed, names.slice(0, n)) }),
        { cpu: true },
      );
      runs[n].push({
        ms: r.ms,
        inActionMs: r.report?.durationMs,
        result: r.report?.result,
        actionCpuMs: r.cpu?.actionMs,
        busyMs: r.cpu?.busyMs,
        load,
      });
      log(`preflight ${n} host(s) ${i + 1}/${RUNS}: ${r.ms} ms (${r.report?.result})`);
    }
  }
  log('profiling SSH: handshake and per-command cost, 1 host vs 20 in parallel');
  const commands = ['true', "docker inspect -f '{{.State.Status}}' new-api"];
  const profile = {};
  for (const n of [1, 20]) profile[n] = await profileSsh(bed, bed.hosts.slice(0, n), commands);
  const bashrc = existsSync(join(host('master').root, 'root/.bashrc'));
  // A shell started on the host directly (no sshd): what a command costs without the SSH session setup.
  const local = await runOk('bash', [
    join(REPO_ROOT, 'test/bed/bed.sh'),
    'exec',
    'master',
    'bash',
    '-c',
    's=$(date +%s%N); for i in $(seq 20); do bash -c true; done; echo $(( ($(date +%s%N) - s) / 20000000 ))',
  ]);
  // This machine's own root .bashrc (pyenv init): bash sources ~/.bashrc for every command sshd starts,
  // so on a server set up like this machine each SSH command would pay it. The bed's hosts have none.
  const machineBashrc = [];
  if (existsSync('/root/.bashrc')) {
    for (let i = 0; i < 5; i++)
      machineBashrc.push((await run('bash', ['-c', '. /root/.bashrc >/dev/null 2>&1; true'])).ms);
  }
  return {
    runs,
    background,
    machineBashrcMs: median(machineBashrc),
    profile,
    commands,
    bashrc,
    localShellMs: Number(local.stdout.trim()),
    ok: Object.values(runs).every((rs) => rs.every((x) => x.result === 'planned')),
  };
}

async function anatomy() {
  const out = { action: [], manual: [] };
  for (let i = 0; i < 3; i++) {
    for (const seq of ['action', 'manual']) {
      await deployDocker('master', FROM);
      await quiet();
      out[seq].push(await timedSwap(bed, 'master', TO, seq));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------- main

async function section(name, fn) {
  log(`== ${name}`);
  const started = Date.now();
  try {
    const value = await fn();
    log(`   ${name}: ${Math.round((Date.now() - started) / 1000)} s`);
    return value;
  } catch (e) {
    log(`   ${name} FAILED: ${e.stack ?? e}`);
    return { error: String(e.message ?? e) };
  }
}

async function repeated(name, n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = await fn(i);
    log(`${name} ${i + 1}/${n}: ${JSON.stringify(r)}`);
    out.push(r);
  }
  return out;
}

if (process.argv.includes('--render')) {
  const saved = JSON.parse(readFileSync(RAW, 'utf8'));
  writeFileSync(OUT, renderResults(saved, renderTable(saved)));
  log(`re-rendered ${OUT} from ${RAW}`);
  process.exit(0);
}

const startedAt = Date.now();
const results = {
  machine: machine(),
  bundle: {
    path: ACTION_ENTRY.startsWith(REPO_ROOT) ? ACTION_ENTRY.slice(REPO_ROOT.length + 1) : ACTION_ENTRY,
    sha256: createHash('sha256').update(readFileSync(ACTION_ENTRY)).digest('hex'),
  },
  commit: (await run('git', ['rev-parse', '--short', 'HEAD'])).stdout.trim(),
  // Whether the bundle measured is byte for byte the one committed at `commit` (others may be rebuilding it).
  committed:
    (await run('git', ['hash-object', ACTION_ENTRY])).stdout.trim() ===
    (await run('git', ['rev-parse', `HEAD:${relative(REPO_ROOT, ACTION_ENTRY)}`])).stdout.trim(),
  settings: {
    runs: RUNS,
    downtimeRuns: DOWNTIME_RUNS,
    clusterRuns: CLUSTER_RUNS,
    coldRuns: COLD_RUNS,
    probeMs: PROBE_INTERVAL_MS,
    from: FROM,
    to: TO,
    crash: CRASH,
    rateLimitOff: NO_RATE_LIMIT,
    hostsSmall: SMALL_BED,
    hostsLarge: Math.max(...PREFLIGHT_SIZES),
  },
};
results.cold = await section('cold start and bundle size', coldStart);
await bedUp(SMALL_BED);
results.single = await section('downtime of one node: action vs manual', async () => {
  const action = [];
  const manual = [];
  // Interleaved, so that a drift of the machine (caches, other load) hits both alike.
  for (let i = 0; i < DOWNTIME_RUNS; i++) {
    action.push(...(await repeated(`action ${i + 1}`, 1, () => singleNode('action'))));
    manual.push(...(await repeated(`manual ${i + 1}`, 1, () => singleNode('manual'))));
  }
  return { action, manual };
});
results.anatomy = await section('swap anatomy (docker commands timed on the host)', anatomy);
results.crash = await section('crash at boot', () => repeated('crash', RUNS, crashAtBoot));
results.noop = await section('no-op run', noop);
results.cluster = await section('rolling update of 3 nodes', async () => {
  const action = [];
  const manual = [];
  for (let i = 0; i < CLUSTER_RUNS; i++) {
    action.push(...(await repeated(`cluster action ${i + 1}`, 1, () => cluster('action'))));
    manual.push(...(await repeated(`cluster manual ${i + 1}`, 1, () => cluster('manual'))));
  }
  return { action, manual };
});
results.preflight = await section('preflight on 1, 5 and 20 hosts', async () => {
  await bedUp(Math.max(...PREFLIGHT_SIZES));
  return preflight();
});
results.wallMs = Date.now() - startedAt;
results.loads = { quietBelow: QUIET_LOAD, samples: loads };

const table = renderTable(results);
process.stdout.write(`\n${table}\n`);
writeFileSync(RAW, `${JSON.stringify(results, null, 1)}\n`);
writeFileSync(OUT, renderResults(results, table));
log(`wrote ${OUT} (${Math.round(results.wallMs / 1000)} s)`);
const failed = ['cold', 'single', 'anatomy', 'crash', 'noop', 'cluster', 'preflight'].filter((k) => results[k]?.error);
if (failed.length) {
  log(`could not measure: ${failed.join(', ')}`);
  process.exitCode = 1;
}

/**
 * Starting and stopping bench/probe.mjs, and reading what it saw. The analysis functions are pure: they
 * take the prober's rounds ({t, r: [{ok, ms, v}]}) and return windows in milliseconds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './bed.mjs';

export const PROBE_INTERVAL_MS = 50;

/**
 * Starts a prober on `urls`; with `netns`, inside that network namespace (the host's own view of its
 * 127.0.0.1). Resolves once the first round went out, to {current(i), stop(): Promise<rounds>}.
 */
export async function startProber(urls, { netns } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'nau-probe-'));
  const out = join(dir, 'rounds.json');
  const probeArgs = [
    join(REPO_ROOT, 'bench/probe.mjs'),
    '--out',
    out,
    '--interval',
    String(PROBE_INTERVAL_MS),
    ...urls,
  ];
  const [cmd, args] = netns
    ? ['nsenter', [`--net=/run/netns/${netns}`, '--', process.execPath, ...probeArgs]]
    : [process.execPath, probeArgs];
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const now = urls.map(() => ({ ok: false }));
  let started = false;
  let pending = '';
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      const lines = (pending + d).split('\n');
      pending = lines.pop();
      for (const line of lines) {
        if (line === 'probing') {
          started = true;
          resolve();
        } else if (line.startsWith('{')) {
          const s = JSON.parse(line);
          now[s.i] = { ok: s.ok, v: s.v };
        }
      }
    });
    child.on('error', reject);
    void exited.then(() => started || reject(new Error('the prober exited before it started')));
  });
  return {
    /** What URL i answered last: {ok, v}. */
    current: (i = 0) => now[i],
    async stop() {
      child.kill('SIGTERM');
      await exited;
      try {
        return JSON.parse(readFileSync(out, 'utf8')).rounds;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Resolves once `predicate()` holds (polled every 50 ms), or rejects after `timeoutMs`. */
export async function waitFor(what, predicate, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The longest window in which a node did not answer: from the first failed round of a run of failures to
 * the next round it answered in (the resolution is one interval). A run still failing at the last round
 * is measured to the last round and flagged `open`.
 */
export function longestOutage(rounds, node = 0) {
  return longestWindow(rounds, (round) => round.r[node]?.ok === true);
}

/** The longest window in which NO node answered (all-down), by the same rule. */
export function longestAllDown(rounds) {
  return longestWindow(rounds, (round) => round.r.some((p) => p?.ok === true));
}

function longestWindow(rounds, up) {
  let best = { ms: 0, from: undefined, to: undefined, open: false };
  let downSince;
  for (const round of rounds) {
    if (!up(round)) {
      downSince ??= round.t;
    } else if (downSince !== undefined) {
      if (round.t - downSince > best.ms) best = { ms: round.t - downSince, from: downSince, to: round.t, open: false };
      downSince = undefined;
    }
  }
  if (downSince !== undefined) {
    const last = rounds[rounds.length - 1].t;
    if (last - downSince >= best.ms) best = { ms: last - downSince, from: downSince, to: last, open: true };
  }
  return best;
}

/** Share of rounds (0..1) in which at least one node answered. */
export function availability(rounds) {
  if (rounds.length === 0) return 0;
  return rounds.filter((round) => round.r.some((p) => p?.ok === true)).length / rounds.length;
}

/** Time of the first round at or after `from` in which `node` answered with `version`. */
export function firstServing(rounds, version, { node = 0, from = 0 } = {}) {
  return rounds.find((round) => round.t >= from && round.r[node]?.ok && round.r[node]?.v === version)?.t;
}

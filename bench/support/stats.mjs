/**
 * Statistics and machine facts for the results: medians, CPU time read from /proc/stat and from the
 * action's own process, and the description of the machine the figures were measured on.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : Math.round((v[m - 1] + v[m]) / 2);
}

export function mean(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x));
  return v.length ? Math.round(v.reduce((a, b) => a + b, 0) / v.length) : undefined;
}

export function range(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x));
  return v.length ? [Math.min(...v), Math.max(...v)] : undefined;
}

export function ratio(a, b) {
  return a !== undefined && b ? a / b : undefined;
}

/** `1.23 s` / `456 ms` */
export function ms(x) {
  if (x === undefined) return '—';
  return x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`;
}

/** Median with its spread, e.g. `250 ms (200–300 ms, n=5)`. */
export function summary(xs) {
  const m = median(xs);
  if (m === undefined) return '—';
  const [lo, hi] = range(xs);
  const spread =
    hi < 1000 ? `${Math.round(lo)}–${Math.round(hi)} ms` : `${(lo / 1000).toFixed(2)}–${(hi / 1000).toFixed(2)} s`;
  return `${ms(m)} (${spread}, n=${xs.filter((x) => Number.isFinite(x)).length})`;
}

/** CPU time the whole machine spent busy so far, in ms (all cores; /proc/stat counts in USER_HZ = 1/100 s). */
export function machineBusyMs() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + steal) * 10;
}

/** Share (0..1) of the machine's CPU capacity in use over the next `ms`. */
export async function sampleBusy(ms) {
  const cores = os.cpus().length;
  const before = machineBusyMs();
  await new Promise((r) => setTimeout(r, ms));
  return (machineBusyMs() - before) / (ms * cores);
}

export function machine() {
  const sh = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  };
  const cpuModel = os.cpus()[0]?.model ?? '?';
  return {
    nproc: sh('nproc', []),
    cpuModel,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: sh('uname', ['-r']),
    os: sh('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"']),
    node: process.version,
    docker: sh('sh', ['-c', 'dockerd --version 2>/dev/null | head -1']),
    openssh: sh('sh', ['-c', 'ssh -V 2>&1']),
    date: new Date().toISOString(),
  };
}

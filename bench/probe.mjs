#!/usr/bin/env node
/**
 * Availability prober: every INTERVAL ms, one GET /api/status to each URL on a fresh TCP connection (a new
 * client, as a user or load balancer would open), so a stopped process is seen at once, not hidden behind a
 * kept-alive socket. A round is one tick; a probe counts as up only for HTTP 200 with `"success":true`.
 * Rounds are scheduled against a fixed start (t0 + k·interval), not chained timers, so a slow answer never
 * stretches the grid.
 *
 *   node bench/probe.mjs --out FILE [--interval 50] [--timeout 1000] URL…
 *
 * Prints `probing` once the first round started, then a JSON line {i, ok, v} whenever what URL i answers
 * changes (the bench waits on these). Stops on SIGTERM, SIGINT or when stdin closes (the bench
 * that started it is gone), waits for the probes in flight, then writes FILE: {intervalMs, urls, rounds:
 * [{t, r: [{ok, ms, v}]}]} where t is the round's wall-clock start (ms) and v the version that answered.
 */
import http from 'node:http';
import { writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
let out = '';
let intervalMs = 50;
let timeoutMs = 1000;
const urls = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') out = args[++i];
  else if (args[i] === '--interval') intervalMs = Number(args[++i]);
  else if (args[i] === '--timeout') timeoutMs = Number(args[++i]);
  else urls.push(args[i]);
}
if (!out || urls.length === 0 || !(intervalMs > 0) || !(timeoutMs > 0)) {
  console.error('usage: probe.mjs --out FILE [--interval MS] [--timeout MS] URL…');
  process.exit(2);
}

function probe(url) {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok, v) => {
      if (settled) return;
      settled = true;
      resolve({ ok, ms: Date.now() - started, ...(v ? { v } : {}) });
    };
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        let version;
        try {
          version = JSON.parse(body)?.data?.version;
        } catch {
          // not JSON: a proxy's error page, or a process dying mid-answer
        }
        done(res.statusCode === 200 && /"success"\s*:\s*true/.test(body), version);
      });
      res.on('error', () => done(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(false));
  });
}

const rounds = [];
const inFlight = new Set();
const last = urls.map(() => '');
const t0 = Date.now();
let k = 0;
let stopping = false;
let timer;

function tick() {
  if (stopping) return;
  const t = Date.now();
  const round = { t, r: new Array(urls.length) };
  rounds.push(round);
  urls.forEach((url, i) => {
    const p = probe(url).then((res) => {
      round.r[i] = res;
      inFlight.delete(p);
      const seen = JSON.stringify({ i, ok: res.ok, v: res.v });
      if (seen !== last[i]) console.log((last[i] = seen));
    });
    inFlight.add(p);
  });
  if (k === 0) console.log('probing');
  k++;
  timer = setTimeout(tick, Math.max(0, t0 + k * intervalMs - Date.now()));
}

async function stop() {
  if (stopping) return;
  stopping = true;
  clearTimeout(timer);
  await Promise.all([...inFlight]);
  writeFileSync(out, JSON.stringify({ intervalMs, urls, rounds }));
  process.exit(0);
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
tick();

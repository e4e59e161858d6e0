/**
 * Waiting for the new process, and watching it afterwards.
 *
 * Two signals, polled side by side: the container/service state (cheap, over SSH) catches a crash within
 * about a second — exited, restarting, a restart count that went up, a changed start time — long before
 * any health timeout; `/api/status` proves the NEW process serves (start_time newer than the baseline).
 * Status polling backs off 250 ms → 2 s, so it never exceeds ~1 request/s sustained against the per-IP rate
 * limit (180 requests / 180 s by default).
 */
import type { CheckName } from '../settings.js';
import type { RuntimeState } from '../methods/types.js';
import type { Executor } from '../ssh/types.js';
import { sameTag } from '../versions/tags.js';
import { runChecklist } from './checklist.js';
import { compareChannels } from './channels.js';
import { isFailedMigration, readMigrationLog } from './migration.js';
import { apiClient, CouldNotCheck, NewApiClient, type StatusInfo } from './newapi-client.js';
import { fail, logLines, matchesAny, pass, quoteLines } from './result.js';
import { judgeStatus } from './status.js';
import type { CheckContext, CheckResult } from './types.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (never rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export interface PollTiming {
  /** First status poll interval and its cap (doubling in between). */
  statusInitialMs: number;
  statusMaxMs: number;
  /** Container/service state poll interval. */
  runtimeMs: number;
  /** Timeout of one /api/status request: a hung request must not delay the verdict. */
  requestTimeoutMs: number;
  /** Stability period: status and channel poll intervals. */
  stabilityStatusMs: number;
  stabilityChannelsMs: number;
}

export const DEFAULT_TIMING: PollTiming = {
  statusInitialMs: 250,
  statusMaxMs: 2000,
  runtimeMs: 500,
  requestTimeoutMs: 3000,
  stabilityStatusMs: 2000,
  stabilityChannelsMs: 10_000,
};

export interface ReadinessOptions {
  healthTimeoutMs: number;
  clock?: Clock;
  timing?: Partial<PollTiming>;
}

export interface ReadinessOutcome {
  /** Passed status, or the failure: crash (status, or migration when it died migrating) or timeout. */
  result: CheckResult;
  elapsedMs: number;
  /** start_time of the process that became ready. */
  startTime?: number;
  /** Last container/service state seen, the reference for the stability watch. */
  runtime?: RuntimeState;
}

interface Crash {
  what: string;
  state: RuntimeState;
}

/** Follows the container/service state and tells a crash from a healthy start. */
class RuntimeWatcher {
  private first?: RuntimeState;
  last?: RuntimeState;
  private notRunning = 0;

  constructor(
    private readonly ctx: CheckContext,
    reference?: RuntimeState,
  ) {
    this.first = reference;
  }

  async poll(): Promise<Crash | undefined> {
    let r: RuntimeState;
    try {
      r = await this.ctx.runtime();
    } catch {
      return undefined; // a dropped SSH command is not a crash; the status poll and the deadline still run
    }
    this.last = r;
    const first = (this.first ??= r);
    if (r.restarting) return { what: 'is restarting (crash loop)', state: r };
    if (r.restartCount !== undefined && first.restartCount !== undefined && r.restartCount > first.restartCount) {
      return { what: `restarted (restart count ${first.restartCount} → ${r.restartCount})`, state: r };
    }
    if (r.startedAt && first.startedAt && r.startedAt !== first.startedAt) {
      return { what: `restarted (started at ${first.startedAt}, now ${r.startedAt})`, state: r };
    }
    // Seen twice in a row, so a state read in the instant of the start is not taken for a crash.
    this.notRunning = r.running ? 0 : this.notRunning + 1;
    if (this.notRunning >= 2) {
      return { what: `exited${r.exitCode !== undefined ? ` with code ${r.exitCode}` : ''}`, state: r };
    }
    return undefined;
  }
}

async function readLogs(ctx: CheckContext): Promise<string> {
  try {
    return await ctx.logs();
  } catch {
    return '';
  }
}

/**
 * Why it failed: the lines matching log-error-patterns ([FATAL], panic:) — in a crash loop they scroll away
 * behind the next boot's lines — and the last lines, in log order.
 */
function failureEvidence(ctx: CheckContext, text: string): string[] {
  const lines = logLines(text);
  const keep = new Set<number>();
  const errors = lines.map((l, i) => (matchesAny(ctx.settings.logErrorPatterns, l) ? i : -1)).filter((i) => i >= 0);
  for (const i of errors.slice(-8)) keep.add(i);
  for (let i = Math.max(0, lines.length - 10); i < lines.length; i++) keep.add(i);
  return quoteLines(
    ctx,
    [...keep].sort((a, b) => a - b).map((i) => lines[i]),
  );
}

async function crashResult(ctx: CheckContext, crash: Crash, elapsedMs: number, when: string): Promise<CheckResult> {
  const text = await readLogs(ctx);
  const evidence = failureEvidence(ctx, text);
  const at = `${(elapsedMs / 1000).toFixed(1)} s into ${when}`;
  if (isFailedMigration(ctx.host, readMigrationLog(text))) {
    return fail('migration', `the database migration failed: the process ${crash.what}, ${at}`, evidence);
  }
  return fail('status', `the new process ${crash.what}, ${at} (${crash.state.detail})`, evidence);
}

function newProcess(s: StatusInfo, baselineStart: number | undefined): boolean {
  if (!s.success) return false;
  if (baselineStart === undefined) return true;
  return s.startTime !== undefined && s.startTime > baselineStart;
}

function describeStatus(s: StatusInfo, baselineStart: number | undefined): string {
  if (!s.success) return `/api/status answers success:false ${s.message}`.trim();
  return `/api/status still shows the old process (start_time ${s.startTime} ≤ ${baselineStart})`;
}

/**
 * Waits until /api/status answers success with a new start_time, failing fast when the process crashes,
 * and giving up at `healthTimeoutMs`.
 */
export async function waitReady(ctx: CheckContext, opts: ReadinessOptions): Promise<ReadinessOutcome> {
  const clock = opts.clock ?? systemClock;
  const t = { ...DEFAULT_TIMING, ...opts.timing };
  const client = apiClient(ctx.exec, ctx.settings);
  const t0 = clock.now();
  const deadline = t0 + opts.healthTimeoutMs;
  const stop = new AbortController();
  const watcher = new RuntimeWatcher(ctx);
  let problem = 'no answer yet';

  const watchRuntime = async (): Promise<Crash | undefined> => {
    while (!stop.signal.aborted && clock.now() < deadline) {
      const crash = await watcher.poll();
      if (crash) return crash;
      await clock.sleep(Math.min(t.runtimeMs, Math.max(0, deadline - clock.now())), stop.signal);
    }
    return undefined;
  };
  const pollStatus = async (): Promise<StatusInfo | undefined> => {
    let delay = t.statusInitialMs;
    while (!stop.signal.aborted && clock.now() < deadline) {
      try {
        const s = await client.status(t.requestTimeoutMs);
        if (newProcess(s, ctx.baseline.startTime)) return s;
        problem = describeStatus(s, ctx.baseline.startTime);
      } catch (e) {
        problem = (e as Error).message;
        // Answering 429 means the process is up; slow down to let the limiter's window pass.
        if (e instanceof CouldNotCheck) delay = t.statusMaxMs;
      }
      await clock.sleep(Math.min(delay, Math.max(0, deadline - clock.now())), stop.signal);
      delay = Math.min(delay * 2, t.statusMaxMs);
    }
    return undefined;
  };

  type Event = { kind: 'crash'; crash: Crash } | { kind: 'ready'; status: StatusInfo } | { kind: 'timeout' };
  const event = await new Promise<Event>((resolve) => {
    const crashed = watchRuntime().then((crash) => crash && resolve({ kind: 'crash', crash }));
    const ready = pollStatus().then((status) => status && resolve({ kind: 'ready', status }));
    void Promise.all([crashed, ready]).then(() => resolve({ kind: 'timeout' }));
  });
  stop.abort();
  const elapsedMs = clock.now() - t0;
  const secs = (elapsedMs / 1000).toFixed(1);

  if (event.kind === 'crash') {
    return {
      result: await crashResult(ctx, event.crash, elapsedMs, 'readiness'),
      elapsedMs,
      runtime: event.crash.state,
    };
  }
  if (event.kind === 'ready') {
    return {
      result: pass('status', `ready after ${secs} s (start_time ${event.status.startTime ?? 'not reported'})`),
      elapsedMs,
      startTime: event.status.startTime,
      runtime: watcher.last,
    };
  }
  const text = await readLogs(ctx);
  const migration = readMigrationLog(text);
  const timeoutS = Math.round(opts.healthTimeoutMs / 1000);
  const result =
    ctx.host.role === 'master' && migration.started && !migration.banner
      ? fail(
          'migration',
          `the database migration was still running after the ${timeoutS} s health-timeout (a large logs table? raise health-timeout)`,
          failureEvidence(ctx, text),
        )
      : fail('status', `not ready within the ${timeoutS} s health-timeout: ${problem}`, failureEvidence(ctx, text));
  return { result, elapsedMs, runtime: watcher.last };
}

export interface StabilityOptions {
  stabilityMs: number;
  clock?: Clock;
  timing?: Partial<PollTiming>;
  /** What readiness saw: the process (start_time, container state) that must stay up. */
  since?: Pick<ReadinessOutcome, 'startTime' | 'runtime'>;
}

/**
 * Watches the node for the stability period — container state, /api/status and (when the channels check
 * runs) the channel list — and returns the first failure at once; when the period passes cleanly, runs
 * the checklist again and returns its results.
 */
export async function watchStability(
  ctx: CheckContext,
  selected: readonly CheckName[],
  opts: StabilityOptions,
): Promise<CheckResult[]> {
  const clock = opts.clock ?? systemClock;
  const t = { ...DEFAULT_TIMING, ...opts.timing };
  const client = apiClient(ctx.exec, ctx.settings);
  const t0 = clock.now();
  const end = t0 + opts.stabilityMs;
  const watcher = new RuntimeWatcher(ctx, opts.since?.runtime);
  const watchChannels = selected.includes('channels') && ctx.baseline.channels && client.hasAdminCredentials();
  let startTime = opts.since?.startTime;
  let nextStatus = t0;
  let nextChannels = t0 + t.stabilityChannelsMs;
  let statusErrors = 0;

  while (clock.now() < end) {
    const crash = await watcher.poll();
    if (crash) return [await crashResult(ctx, crash, clock.now() - t0, 'the stability period')];

    if (clock.now() >= nextStatus) {
      nextStatus = clock.now() + t.stabilityStatusMs;
      const problem = await stabilityStatus(ctx, client, startTime, t.requestTimeoutMs);
      if (problem === 'transient') statusErrors++;
      else if (problem) return [problem];
      else statusErrors = 0;
      // One missed poll is a hiccup (a slow request through the tunnel); three in a row is an outage.
      if (statusErrors >= 3) {
        return [fail('status', 'stopped answering /api/status during the stability period', await evidence(ctx))];
      }
      startTime ??= client.lastSeenStartTime();
    }

    if (watchChannels && clock.now() >= nextChannels) {
      nextChannels = clock.now() + t.stabilityChannelsMs;
      try {
        const compared = compareChannels(ctx.baseline.channels!, await client.channels());
        if (compared.status === 'fail') return [compared];
      } catch {
        // 2FA, rate limit, a hiccup: the checklist at the end reads the channels again and reports
      }
    }
    await clock.sleep(Math.min(t.runtimeMs * 2, Math.max(0, end - clock.now())));
  }
  return runChecklist(ctx, selected);
}

async function evidence(ctx: CheckContext): Promise<string[]> {
  return failureEvidence(ctx, await readLogs(ctx));
}

async function stabilityStatus(
  ctx: CheckContext,
  client: NewApiClient,
  startTime: number | undefined,
  timeoutMs: number,
): Promise<CheckResult | 'transient' | undefined> {
  let s: StatusInfo;
  try {
    s = await client.status(timeoutMs);
  } catch (e) {
    return e instanceof CouldNotCheck ? undefined : 'transient';
  }
  if (startTime !== undefined && s.startTime !== undefined && s.startTime !== startTime) {
    return fail(
      'status',
      `the process restarted during the stability period (start_time ${startTime} → ${s.startTime})`,
      await evidence(ctx),
    );
  }
  const judged = judgeStatus(s, ctx.baseline);
  return judged.status === 'fail' ? judged : undefined;
}

/**
 * After a rollback: polls /api/status until the node serves again, on `version` when given (a build that
 * reports v0.0.0 cannot be told apart and counts as serving).
 */
export async function waitServing(
  exec: Executor,
  version: string | undefined,
  timeoutMs: number,
  clock: Clock = systemClock,
): Promise<{ ok: boolean; detail: string }> {
  const client = new NewApiClient(exec, {});
  const t0 = clock.now();
  let delay = DEFAULT_TIMING.statusInitialMs;
  let problem = 'no answer';
  while (clock.now() - t0 < timeoutMs) {
    try {
      const s = await client.status(DEFAULT_TIMING.requestTimeoutMs);
      const v = s.version ?? 'unknown';
      if (s.success && (!version || !s.version || sameTag(v, version) || sameTag(v, 'v0.0.0'))) {
        return { ok: true, detail: `serving ${v} after ${((clock.now() - t0) / 1000).toFixed(1)} s` };
      }
      problem = s.success ? `serving ${v}, expected ${version}` : `success:false ${s.message}`.trim();
    } catch (e) {
      problem = (e as Error).message;
    }
    await clock.sleep(delay);
    delay = Math.min(delay * 2, DEFAULT_TIMING.statusMaxMs);
  }
  return { ok: false, detail: `not serving after ${Math.round(timeoutMs / 1000)} s: ${problem}` };
}

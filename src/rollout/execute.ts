/**
 * The rolling executor: walks the plan batch by batch. Each node: pre-update → baseline → backup →
 * detached swap on the host → readiness and checklist → stability → verdict → post-update.
 * A failed node is reverted by its own host step; with `rollback: auto` every node already updated in
 * this run is then reverted too, newest first. Nodes that passed are "held" (old version kept) until the
 * whole run passed, then finalized.
 */
import type { CheckContext, CheckResult } from '../checks/types.js';
import type { DeployMethod, NodeState, UpdateTarget } from '../methods/types.js';
import type { BackupRecord, HostReport, StepRecord } from '../report/types.js';
import type { HostSpec, Settings } from '../settings.js';
import type { Executor } from '../ssh/types.js';
import {
  FINAL_STATES,
  hostStepScript,
  launchStepCommand,
  readStateCommand,
  stepDir,
  stepLogCommand,
  writeStepCommand,
  writeVerdictCommand,
  type StepMode,
  type StepState,
} from './hoststep.js';
import type { RolloutPorts } from './ports.js';

export interface RolloutNode {
  host: HostSpec;
  exec: Executor;
  method: DeployMethod;
  state: NodeState;
  target: UpdateTarget;
  from?: string;
  report: HostReport;
}

export interface RolloutOutcome {
  /** Every node passed (and was finalized). */
  ok: boolean;
  rolledBack: boolean;
  cancelled: boolean;
  message: string;
  backups: BackupRecord[];
}

const POLL_MS = 250;
const CANCELLED = Symbol('cancelled');

export class Rollout {
  private readonly held: RolloutNode[] = [];
  private readonly backups: BackupRecord[] = [];
  private databaseBackedUp = false;
  /** Nodes whose swap was started: what a rollback has to undo; the others keep only prepared files. */
  readonly swapped = new Set<string>();

  constructor(
    private readonly settings: Settings,
    private readonly ports: RolloutPorts,
    private readonly isCancelled: () => boolean = () => false,
  ) {}

  async run(batches: RolloutNode[][]): Promise<RolloutOutcome> {
    let failure: RolloutNode | undefined;
    let cancelled = false;
    for (const batch of batches) {
      if (this.isCancelled()) {
        cancelled = true;
        break;
      }
      // One node at a time: its whole output (swap, checks, remote lines) folds into one group. Parallel
      // nodes' lines interleave, so a batch of several stays ungrouped (each line carries its host).
      const only = batch.length === 1 ? batch[0] : undefined;
      const results =
        only && this.ports.log.group
          ? [
              await this.ports.log.group(`${only.host.name}: ${only.from ?? 'unknown'} → ${only.target.tag}`, () =>
                this.updateNode(only),
              ),
            ]
          : await Promise.all(batch.map((n) => this.updateNode(n)));
      failure = batch[results.findIndex((ok) => !ok)];
      if (failure) break;
    }
    if (this.isCancelled()) cancelled = true;

    if (!failure && !cancelled) {
      await this.finalizeHeld();
      return { ok: true, rolledBack: false, cancelled, message: 'every node passed its checks', backups: this.backups };
    }
    if (cancelled) {
      return {
        ok: false,
        rolledBack: false,
        cancelled,
        message:
          'cancelled: the node in progress was reverted by its host step; nodes that had passed keep the new version (the post step finishes their clean-up)',
        backups: this.backups,
      };
    }
    const why = `${failure!.host.name}: ${failure!.report.error ?? 'failed'}`;
    if (this.swapped.size === 0) {
      // Failed before any swap (pre-update, baseline, backup): there is nothing to roll back or restore.
      return { ok: false, rolledBack: false, cancelled, message: `${why}; nothing was changed`, backups: this.backups };
    }
    if (this.settings.rollback === 'never') {
      return {
        ok: false,
        rolledBack: false,
        cancelled,
        message: `${why}; rollback: never — the failed node was left as it is for inspection`,
        backups: this.backups,
      };
    }
    const allBack = await this.rollbackHeld();
    const restored = allBack && this.settings.restoreDataOnRollback ? await this.restoreData() : [];
    const failedNodeBack =
      failure!.report.outcome === 'rolled-back' ||
      failure!.report.outcome === 'not-started' ||
      failure!.report.outcome === 'failed';
    return {
      ok: false,
      rolledBack: allBack && failedNodeBack,
      cancelled,
      message: allBack
        ? `${why}; every node changed in this run is back on its previous version${restored.map((r) => `; ${r}`).join('')}`
        : `${why}; ROLLBACK FAILED on some node — see the manual recovery commands`,
      backups: this.backups,
    };
  }

  private async step<T>(node: RolloutNode, label: string, fn: () => Promise<T>): Promise<T> {
    const started = this.ports.now();
    const rec: StepRecord = { label, ok: false, durationMs: 0 };
    node.report.steps.push(rec);
    try {
      const value = await fn();
      rec.ok = true;
      return value;
    } catch (e) {
      rec.detail = (e as Error).message;
      throw e;
    } finally {
      rec.durationMs = this.ports.now() - started;
    }
  }

  /** True when the node ended on the new version with every check passed (or left per rollback: never). */
  private async updateNode(node: RolloutNode): Promise<boolean> {
    const { host, exec, report } = node;
    const log = (m: string): void => this.ports.log.info(`[${host.name}] ${m}`);
    const t0 = this.ports.now();
    const dir = stepDir(host);
    try {
      if (host.preUpdate) {
        await this.step(node, 'pre-update command', () =>
          exec.run({ label: 'pre-update command', script: host.preUpdate!, privileged: false }),
        );
      }
      const baseline = await this.step(node, 'baseline', () => this.ports.checks.baseline(exec, host, this.settings));
      if (this.settings.backup) {
        const database = !this.databaseBackedUp || node.state.database === 'sqlite';
        const records = await this.step(node, 'backup', () =>
          this.ports.backups.backup(exec, node.state, this.settings, { database }),
        );
        if (records.some((r) => r.kind === 'database') && node.state.database !== 'sqlite')
          this.databaseBackedUp = true;
        this.backups.push(...records);
      }

      const scripts = node.method.swap(node.state, node.target);
      const deadline = this.verdictDeadlineSeconds();
      await exec.run(writeStepCommand(dir, hostStepScript(dir, scripts, deadline)));
      const swapStart = this.ports.now();
      log(`swapping to ${node.target.tag} (host step in ${dir})`);
      this.swapped.add(host.name);
      const applied = await this.step(node, 'stop old, start new', async () => {
        const s = await this.launchAndWait(exec, dir, 'apply', new Set<StepState>(['applied', ...FINAL_STATES]));
        if (s !== 'applied') throw new Error(await this.stepFailure(exec, dir, s));
        return s;
      }).catch(async (e: Error) => {
        report.error = e.message;
        report.outcome = /revert-failed/.test(e.message) ? 'rollback-failed' : 'rolled-back';
        if (report.outcome === 'rollback-failed') report.manualRecovery = this.manualRecovery(dir);
        return undefined;
      });
      if (!applied) return false;

      const ctx: CheckContext = {
        exec,
        host,
        settings: this.settings,
        target: node.target.tag,
        baseline,
        state: node.state,
        startedAtUnix: Math.floor(swapStart / 1000) - 1,
        logs: async () =>
          (
            await exec.run({
              ...node.method.logs(node.state, Math.floor(swapStart / 1000) - 1),
              allowFailure: true,
              quiet: true,
            })
          ).stdout,
        runtime: () => node.method.runtimeState(exec, node.state),
      };
      const failed = await this.verify(node, ctx, swapStart);
      const keep = !failed || this.settings.rollback === 'never';
      await exec.run(writeVerdictCommand(dir, keep ? 'keep' : 'revert'));
      const final = await this.waitState(exec, dir, FINAL_STATES, this.settings.commandTimeoutSeconds * 1000);
      if (final === 'held') {
        this.held.push(node);
        if (failed) {
          report.outcome = 'left-failed';
          report.error = failed;
          return false;
        }
        if (host.postUpdate) {
          await this.step(node, 'post-update command', () =>
            exec.run({ label: 'post-update command', script: host.postUpdate!, privileged: false }),
          );
        }
        report.outcome = 'updated';
        report.versionAfter = node.target.tag;
        return true;
      }
      report.error = failed ?? `host step ended in state ${final}`;
      if (final === 'reverted') {
        report.outcome = 'rolled-back';
        report.versionAfter = node.from;
        log(`reverted to ${node.from ?? 'the previous version'}`);
      } else {
        report.outcome = 'rollback-failed';
        report.manualRecovery = this.manualRecovery(dir);
      }
      return false;
    } catch (e) {
      // Failures before the swap (pre-update, baseline, backup) leave the node untouched.
      report.error ??= (e as Error).message;
      if (report.outcome === 'not-started') report.outcome = 'failed';
      return false;
    } finally {
      report.durationMs = this.ports.now() - t0;
    }
  }

  /** Readiness → checklist → stability; returns the failure, or undefined when everything passed. */
  private async verify(node: RolloutNode, ctx: CheckContext, swapStart: number): Promise<string | undefined> {
    const { report } = node;
    const record = (results: CheckResult[]): string | undefined => {
      for (const r of results) {
        const i = report.checks.findIndex((c) => c.name === r.name);
        if (i >= 0 && (r.status !== 'skipped' || report.checks[i].status === 'skipped')) report.checks[i] = r;
        else if (i < 0) report.checks.push(r);
      }
      const bad = results.filter((r) => r.status === 'fail');
      if (bad.length === 0) return undefined;
      report.logExcerpt = bad.flatMap((r) => r.evidence ?? []).slice(0, 40);
      return bad.map((r) => `${r.name}: ${r.detail}`).join('; ');
    };
    const ready = await this.step(node, 'readiness', () => this.unlessCancelled(this.ports.checks.ready(ctx)));
    report.downtimeMs = this.ports.now() - swapStart;
    if (ready === CANCELLED) return 'cancelled';
    if (ready.status === 'fail') return record([ready]);
    const first = await this.step(node, 'checklist', () => this.unlessCancelled(this.ports.checks.checklist(ctx)));
    if (first === CANCELLED) return 'cancelled';
    const firstFail = record(first);
    if (firstFail) return firstFail;
    if (this.settings.stabilitySeconds > 0) {
      const again = await this.step(node, `stability ${this.settings.stabilitySeconds}s`, () =>
        this.unlessCancelled(this.ports.checks.stability(ctx)),
      );
      if (again === CANCELLED) return 'cancelled';
      return record(again);
    }
    return undefined;
  }

  /**
   * A node that has not proven itself when the run is cancelled is reverted, not kept: the checks are
   * abandoned as soon as the cancellation is seen (their result no longer matters).
   */
  private async unlessCancelled<T>(work: Promise<T>): Promise<T | typeof CANCELLED> {
    work.catch(() => undefined);
    let timer: ReturnType<typeof setInterval> | undefined;
    const cancelled = new Promise<typeof CANCELLED>((resolve) => {
      timer = setInterval(() => this.isCancelled() && resolve(CANCELLED), POLL_MS);
    });
    try {
      return await Promise.race([work, cancelled]);
    } finally {
      clearInterval(timer);
    }
  }

  private verdictDeadlineSeconds(): number {
    const s = this.settings;
    // Long enough for readiness, two checklists and the stability period; short enough that a node
    // whose runner vanished is put back within minutes.
    return s.healthTimeoutSeconds + s.stabilitySeconds + 2 * 60 + 60;
  }

  private async launchAndWait(
    exec: Executor,
    dir: string,
    mode: StepMode,
    until: ReadonlySet<StepState>,
  ): Promise<StepState> {
    await exec.run(launchStepCommand(dir, mode));
    return this.waitState(exec, dir, until, this.settings.commandTimeoutSeconds * 1000);
  }

  private async waitState(
    exec: Executor,
    dir: string,
    until: ReadonlySet<StepState>,
    timeoutMs: number,
  ): Promise<StepState> {
    const end = this.ports.now() + timeoutMs;
    let last = 'missing';
    let errors = 0;
    for (;;) {
      try {
        last = (await exec.run(readStateCommand(dir))).stdout.trim();
        errors = 0;
      } catch (e) {
        // A dropped connection must not abandon the node: the host step goes on by itself.
        if (++errors > 20) throw e;
      }
      if (until.has(last as StepState)) return last as StepState;
      if (this.ports.now() > end) throw new Error(`host step still '${last}' after ${Math.round(timeoutMs / 1000)} s`);
      await this.ports.sleep(POLL_MS);
    }
  }

  private async stepFailure(exec: Executor, dir: string, state: StepState): Promise<string> {
    const tail = (await exec.run(stepLogCommand(dir))).stdout.trim().split('\n').slice(-8).join('\n');
    return `swap failed (${state})${tail ? `:\n${tail}` : ''}`;
  }

  private manualRecovery(dir: string): string[] {
    return [`sudo tail -n 100 ${dir}/step.log`, `sudo sh ${dir}/step.sh revert`, `sudo cat ${dir}/state`];
  }

  private async rollbackHeld(): Promise<boolean> {
    // Mark every held node first: if this run dies mid-rollback, the post step or the next run's
    // reconcile finishes the rollback instead of taking a held node for a success.
    await Promise.allSettled(this.held.map((n) => n.exec.run(writeVerdictCommand(stepDir(n.host), 'revert'))));
    let ok = true;
    for (const node of [...this.held].reverse()) {
      const dir = stepDir(node.host);
      this.ports.log.warn(`[${node.host.name}] rolling back to ${node.from ?? 'the previous version'}`);
      try {
        const s = await this.step(node, 'rollback', () => this.launchAndWait(node.exec, dir, 'revert', FINAL_STATES));
        if (s !== 'reverted') throw new Error(await this.stepFailure(node.exec, dir, s));
        const serving = await this.ports.checks.serving(
          node.exec,
          node.from,
          this.settings.healthTimeoutSeconds * 1000,
        );
        if (!serving.ok) throw new Error(`after rollback: ${serving.detail}`);
        node.report.outcome = 'rolled-back';
        node.report.versionAfter = node.from;
      } catch (e) {
        ok = false;
        node.report.outcome = 'rollback-failed';
        node.report.error = (e as Error).message;
        node.report.manualRecovery = this.manualRecovery(dir);
        this.ports.log.error(`[${node.host.name}] ROLLBACK FAILED: ${(e as Error).message}`);
      }
    }
    this.held.length = 0;
    return ok;
  }

  private async finalizeHeld(): Promise<void> {
    await Promise.all(
      this.held.map(async (node) => {
        const dir = stepDir(node.host);
        try {
          const s = await this.step(node, 'finalize (remove kept old version)', () =>
            this.launchAndWait(node.exec, dir, 'finalize', FINAL_STATES),
          );
          if (s !== 'finalized')
            this.ports.log.warn(
              `[${node.host.name}] clean-up of the old version did not finish (${s}); the new version is serving`,
            );
        } catch (e) {
          this.ports.log.warn(`[${node.host.name}] clean-up of the old version failed: ${(e as Error).message}`);
        }
      }),
    );
    this.held.length = 0;
  }

  /** Puts each database backup back once, after every node is on its old version again; says what it did. */
  private async restoreData(): Promise<string[]> {
    const done: string[] = [];
    for (const record of this.backups.filter((b) => b.kind === 'database')) {
      const node = this.nodesByName.get(record.host);
      if (!node) continue;
      try {
        await this.ports.backups.restore(node.exec, node.state, this.settings, record);
        this.ports.log.warn(
          `[${node.host.name}] database restored from ${record.path}: writes since the backup are gone`,
        );
        done.push(
          `the database was restored from ${record.path} on ${node.host.name} (writes since the backup are gone)`,
        );
      } catch (e) {
        node.report.error = `database restore failed: ${(e as Error).message}`;
        done.push(`restoring the database from ${record.path} on ${node.host.name} FAILED`);
        this.ports.log.error(
          `[${node.host.name}] database restore from ${record.path} FAILED: ${(e as Error).message}`,
        );
      }
    }
    return done;
  }

  private readonly nodesByName = new Map<string, RolloutNode>();
  register(nodes: RolloutNode[]): void {
    for (const n of nodes) this.nodesByName.set(n.host.name, n);
  }
}

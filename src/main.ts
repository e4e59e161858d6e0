/**
 * Orchestration, in the order an operator would do it by hand: read and validate every input → check the
 * maintenance window → resolve the target from the releases → connect to and preflight every host (nothing
 * changes yet) → gates → plan (a dry run stops here) → pre-pull everywhere → roll out node by node → report.
 */
import * as core from '@actions/core';
import * as github from '@actions/github';
import { readSettings } from './inputs.js';
import { createMethod } from './methods/index.js';
import type { UpdateTarget } from './methods/types.js';
import { Rollout, type RolloutNode } from './rollout/execute.js';
import { discardPreparedCommand } from './rollout/hoststep.js';
import { buildPlan } from './rollout/plan.js';
import { checkTarget, connectHost, inspectHost, type ConnectedHost } from './rollout/preflight.js';
import { publishReport } from './report/publish.js';
import type { HostReport, RunReport } from './report/types.js';
import { realPorts, connector, type RunIo } from './wiring.js';
import type { HostSpec, Settings } from './settings.js';
import { auditLineCommand } from './ssh/audit.js';
import { instanceKey, releaseLock, type AcquiredLock, type LockOwner } from './ssh/lock.js';
import { Masker } from './ssh/secrets.js';
import type { Executor } from './ssh/types.js';
import { collectNotes } from './versions/notes.js';
import { gateHosts, summarizeGates, updateAvailable, type HostVersion } from './versions/gates.js';
import { listReleases, toRelease, type GitHubReleaseObject } from './versions/releases.js';
import { resolveTarget, validatePreviousTag, type ResolvedTarget } from './versions/resolve.js';
import { decideWindow } from './versions/window.js';
import { isForkPullRequest, forkDryRunReason } from './report/pr.js';
import { startDeployment, type DeploymentRef } from './report/deployment.js';
import { saveRunState } from './rollout/run-state.js';

export async function run(): Promise<void> {
  core.saveState('isPost', 'true');
  const report = emptyReport();
  const masker = new Masker((v) => core.setSecret(v));
  let settings: Settings | undefined;
  const io: RunIo = { cancelled: false };
  const onSignal = (sig: string) => () => {
    if (io.cancelled) return;
    io.cancelled = true;
    core.warning(`${sig} received: finishing the node in progress (its host step reverts it), then stopping`);
  };
  // `on`, not `once`: the runner sends SIGINT then SIGTERM on cancellation, and a second signal must not
  // kill the process while a host step is being settled.
  process.on('SIGINT', onSignal('SIGINT'));
  process.on('SIGTERM', onSignal('SIGTERM'));
  try {
    settings = readSettings();
    for (const s of settings.secrets) masker.add(s);
    report.dryRun = settings.dryRun;
    report.environment = settings.environment;
    if (!settings.dryRun && isForkPullRequest(github.context)) {
      settings = { ...settings, dryRun: true };
      report.dryRun = true;
      report.warnings.push(forkDryRunReason(github.context));
    }
    await update(settings, report, masker, io);
  } catch (e) {
    const message = masker.mask((e as Error).message);
    report.result = 'failed';
    report.message ||= message;
    report.errors.push(message);
  } finally {
    report.finishedAt = new Date().toISOString();
    report.durationMs = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
    await publishReport(report, settings, masker, io.deployment);
  }
}

function emptyReport(): RunReport {
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const repo = process.env.GITHUB_REPOSITORY;
  const runId = process.env.GITHUB_RUN_ID;
  return {
    schemaVersion: 1,
    result: 'failed',
    version: '',
    message: '',
    dryRun: false,
    startedAt: new Date().toISOString(),
    updateAvailable: false,
    previousVersions: {},
    plan: [],
    hosts: [],
    backups: [],
    releaseNotes: [],
    warnings: [],
    errors: [],
    ...(repo && runId ? { runUrl: `${server}/${repo}/actions/runs/${runId}` } : {}),
  };
}

function lockOwner(): LockOwner {
  return {
    repository: process.env.GITHUB_REPOSITORY ?? 'local',
    runId: process.env.GITHUB_RUN_ID ?? `local-${process.pid}-${Date.now()}`,
    attempt: Number(process.env.GITHUB_RUN_ATTEMPT ?? '1'),
    job: process.env.GITHUB_JOB,
    actor: process.env.GITHUB_ACTOR,
    runner: process.env.RUNNER_NAME,
  };
}

async function update(settings: Settings, report: RunReport, masker: Masker, io: RunIo): Promise<void> {
  const ports = realPorts(settings, masker);
  const log = ports.log;

  // Off-peak only, when a window is set.
  const window = decideWindow(new Date(), settings.maintenanceWindows, settings.outsideWindow, settings.maxWaitSeconds);
  if (window.action === 'skip' || window.action === 'fail') {
    report.result = window.action === 'skip' ? 'skipped' : 'failed';
    report.message = window.message;
    return;
  }
  if (window.action === 'wait') {
    log.info(`${window.message}; waiting`);
    await ports.sleep(window.ms);
  }

  // The target, from the releases (nothing on any host has been touched yet).
  const releases = await listReleases({
    apiUrl: settings.releasesApiUrl,
    owner: settings.repository.owner,
    repo: settings.repository.repo,
    token: settings.githubToken,
  });
  const eventRelease = github.context.payload.release as GitHubReleaseObject | undefined;
  if (eventRelease?.tag_name && !releases.some((r) => r.tag === eventRelease.tag_name)) {
    releases.push(toRelease(eventRelease));
  }
  let target: ResolvedTarget | undefined;
  if (settings.version !== 'previous') {
    const r = resolveTarget(settings.version, releases, {
      includePrereleases: settings.includePrereleases,
      repository: `${settings.repository.owner}/${settings.repository.repo}`,
    });
    if (!r.ok) {
      report.result = 'failed';
      report.message = r.error;
      report.errors.push(r.error);
      return;
    }
    target = r;
    report.version = r.tag;
    log.info(`Target: ${r.tag} (${settings.version})`);
  }

  // Preflight every host in parallel; any failure stops the run before the first change.
  const owner = lockOwner();
  const opened = new Map<string, { exec: Executor; lock?: AcquiredLock }>();
  const deps = {
    settings,
    connect: connector(settings, masker, log),
    methodFor: (h: HostSpec) => createMethod(h, settings),
    owner,
    log,
    addSecret: (s: string) => masker.add(s),
  };
  for (const host of settings.hosts) report.hosts.push(hostReport(host));
  const failed = (host: HostSpec, reason: unknown) => report.errors.push(masker.mask(errorText(host, reason)));
  const connected = await Promise.allSettled(
    settings.hosts.map((host) => connectHost(host, deps, (exec) => opened.set(host.name, { exec }))),
  );
  connected.forEach((r, i) => r.status === 'rejected' && failed(settings.hosts[i], r.reason));
  const results =
    report.errors.length > 0
      ? []
      : await Promise.allSettled(
          settings.hosts.map((host) =>
            inspectHost(host, opened.get(host.name)!.exec, deps, (lock) => (opened.get(host.name)!.lock = lock)),
          ),
        );
  saveRunState({ owner, hosts: [...opened.keys()], dryRun: settings.dryRun });
  try {
    const nodes: ConnectedHost[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') nodes.push(r.value);
      else failed(settings.hosts[i], r.reason);
    });
    for (const n of nodes) {
      if (n.current) report.previousVersions[n.host.name] = n.current;
      hostReportOf(report, n.host).versionBefore = n.current;
    }
    if (report.errors.length > 0) {
      report.result = 'failed';
      report.message = `preflight failed on ${report.errors.length} host(s); nothing was changed`;
      return;
    }

    // Per-host targets (`previous`), gates and notes.
    const hostVersions: HostVersion[] = [];
    for (const n of nodes) {
      if (target) hostVersions.push({ name: n.host.name, current: n.current });
      else {
        const p = validatePreviousTag(n.host.name, n.previous, releases);
        if (!p.ok) {
          report.result = 'refused';
          report.message = p.error;
          report.errors.push(p.error);
          return;
        }
        hostVersions.push({ name: n.host.name, current: n.current, target: p });
      }
    }
    const anyTarget = target ?? hostVersions.find((h) => h.target)!.target!;
    report.version ||= anyTarget.tag;
    const notes = collectNotes(
      hostVersions.map((h) => h.current),
      anyTarget.release,
      releases,
    );
    report.releaseNotes = notes;
    const flags = {
      includePrereleases: settings.includePrereleases,
      allowDowngrade: settings.allowDowngrade,
      allowBreaking: settings.allowBreaking,
    };
    const decisions = gateHosts(hostVersions, anyTarget, { flags, notes, releases });
    report.updateAvailable = updateAvailable(hostVersions, anyTarget, releases);
    const verdict = summarizeGates(decisions);
    for (const d of decisions) {
      const hr = hostReportOf(report, settings.hosts.find((h) => h.name === d.host)!);
      if (d.action === 'up-to-date') {
        hr.outcome = 'up-to-date';
        hr.versionAfter = d.current;
      }
    }
    if (verdict.verdict === 'refused') {
      report.result = 'refused';
      report.message = verdict.message;
      return;
    }

    // The method's read-only checks for the target (image tag exists, tools present, no leftovers).
    const updating = nodes.filter((n) => decisions.find((d) => d.host === n.host.name)?.action === 'update');
    const targetOf = (n: ConnectedHost): UpdateTarget => {
      const tag = decisions.find((d) => d.host === n.host.name)!.target;
      return { tag, imageRef: `${settings.image}:${tag}` };
    };
    const checked = await Promise.allSettled(updating.map((n) => checkTarget(n, targetOf(n))));
    checked.forEach((r, i) => {
      if (r.status === 'rejected') failed(updating[i].host, r.reason);
    });
    const plan = buildPlan(settings, decisions);
    report.plan = plan.lines;
    if (report.errors.length > 0) {
      report.result = 'failed';
      report.message = `preflight failed on ${report.errors.length} host(s); nothing was changed`;
      return;
    }
    if (settings.dryRun) {
      for (const n of updating) hostReportOf(report, n.host).outcome = 'planned';
      report.result = 'planned';
      report.message =
        updating.length > 0
          ? `dry run: ${updating.length} host(s) would be updated to ${anyTarget.tag}; nothing was changed`
          : `dry run: every host is already on ${anyTarget.tag}`;
      for (const line of plan.lines) log.info(line);
      return;
    }
    if (updating.length === 0) {
      report.result = 'up-to-date';
      report.message = verdict.message;
      return;
    }

    io.deployment = await recordDeployment(settings, anyTarget.tag, report);

    // Pre-pull / pre-build everywhere while the old versions keep serving.
    const prepared = await Promise.allSettled(
      updating.map(async (n) => {
        for (const cmd of n.method.prepare(n.state, targetOf(n))) await n.exec.run(cmd);
      }),
    );
    prepared.forEach((r, i) => {
      if (r.status === 'rejected') failed(updating[i].host, r.reason);
    });
    const discardPrepared = (list: ConnectedHost[]) =>
      Promise.allSettled(list.map((n) => n.exec.run(discardPreparedCommand(n.host))));
    if (report.errors.length > 0) {
      await discardPrepared(updating);
      report.result = 'failed';
      report.message = 'preparing the new version failed (pull or build); every node still runs its old version';
      return;
    }

    const byName = new Map(updating.map((n) => [n.host.name, n]));
    const rolloutNodes = new Map<string, RolloutNode>();
    const batches = plan.batches.map((batch) =>
      batch.map((p) => {
        const n = byName.get(p.host.name)!;
        const node: RolloutNode = {
          host: n.host,
          exec: n.exec,
          method: n.method,
          state: n.state,
          target: targetOf(n),
          from: n.current,
          report: hostReportOf(report, n.host),
        };
        rolloutNodes.set(n.host.name, node);
        return node;
      }),
    );
    const rollout = new Rollout(settings, ports, () => io.cancelled);
    rollout.register([...rolloutNodes.values()]);
    const outcome = await rollout.run(batches);
    report.backups = outcome.backups;
    report.message = masker.mask(outcome.message);
    report.result = outcome.ok ? 'updated' : outcome.rolledBack ? 'rolled-back' : 'failed';
    if (!outcome.ok) report.errors.push(report.message);
    await discardPrepared(updating.filter((n) => !rollout.swapped.has(n.host.name)));

    // One audit line per host touched.
    await Promise.allSettled(
      [...rolloutNodes.values()].map((node) =>
        node.exec.run(
          auditLineCommand({
            time: new Date().toISOString(),
            actor: owner.actor,
            repository: owner.repository,
            runId: owner.runId,
            attempt: owner.attempt,
            runUrl: report.runUrl,
            host: node.host.name,
            instance: instanceKey(node.host),
            from: node.from,
            to: node.target.tag,
            result: node.report.outcome,
            message: node.report.error,
          }),
        ),
      ),
    );
  } finally {
    await Promise.allSettled(
      [...opened.values()].map(async ({ exec, lock }) => {
        if (lock) await releaseLock(exec, owner);
        await exec.close();
      }),
    );
    if (!io.cancelled) saveRunState({ owner, hosts: [], dryRun: settings.dryRun });
  }
}

function hostReport(host: HostSpec): HostReport {
  return {
    name: host.name,
    role: host.role,
    method: host.method,
    outcome: 'not-started',
    durationMs: 0,
    steps: [],
    checks: [],
  };
}

function hostReportOf(report: RunReport, host: HostSpec): HostReport {
  return report.hosts.find((h) => h.name === host.name)!;
}

function errorText(host: HostSpec, reason: unknown): string {
  const m = reason instanceof Error ? reason.message : String(reason);
  return m.startsWith(`[${host.name}]`) ? m : `[${host.name}] ${m}`;
}

/** With `environment`: a GitHub deployment of the target, `in_progress` now; publishReport finishes it. */
async function recordDeployment(
  settings: Settings,
  version: string,
  report: RunReport,
): Promise<DeploymentRef | undefined> {
  if (!settings.environment || !settings.githubToken) return undefined;
  const octokit = github.getOctokit(settings.githubToken);
  const ref = process.env.GITHUB_REF_NAME || github.context.sha || 'HEAD';
  const started = await startDeployment(
    octokit,
    github.context.repo,
    ref,
    settings.environment,
    version,
    report.runUrl,
  );
  if (started.warning) report.warnings.push(started.warning);
  return started.deployment;
}

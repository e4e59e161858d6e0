/**
 * What the methods' integration tests need from the test bed (test/bed, brought up by
 * `bash test/bed/bed.sh up`): its state.json, an SSH executor (the action's own) per bed host, and a
 * runner for swap scripts that runs them the way the host step does (`set -eu` in a subshell).
 */
import { hostSpec } from '../../support/host.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type SshExecutor } from '../../../src/ssh/connection.js';
import type { HostSpec, Settings } from '../../../src/settings.js';
import type { ExecResult, Executor, RemoteCommand } from '../../../src/ssh/types.js';

export interface BedState {
  registry: string;
  image: string;
  sshKey: string;
  knownHosts: string;
  hosts: { name: string; address: string; port: number; user: string }[];
}

export function bedState(): BedState {
  const dir = process.env.NAU_BED_DIR ?? '/var/lib/nau-bed';
  try {
    return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as BedState;
  } catch {
    throw new Error(`the test bed is not up (no ${dir}/state.json): run 'sudo bash test/bed/bed.sh up'`);
  }
}

export function bedHost(bed: BedState, name: string, over: Partial<HostSpec>): HostSpec {
  const h = bed.hosts.find((x) => x.name === name) ?? bed.hosts[bed.hosts.length - 1];
  return hostSpec({ name: h.name, host: h.address, port: h.port, user: h.user, ...over });
}

export async function bedConnect(bed: BedState, host: HostSpec): Promise<SshExecutor> {
  return connect(host, {
    privateKey: readFileSync(bed.sshKey, 'utf8'),
    knownHosts: readFileSync(bed.knownHosts, 'utf8'),
    insecureSkipHostKeyCheck: false,
    connectTimeoutMs: 10_000,
    commandTimeoutMs: 300_000,
    log: () => undefined,
    warn: () => undefined,
  });
}

/** Runs a swap body as the host step does: a subshell with `set -eu`. Throws with its output on failure. */
export async function runBody(exec: Executor, label: string, body: string): Promise<ExecResult> {
  const r = await exec.run({
    label,
    script: `(\nset -eu\n${body}\n)`,
    privileged: true,
    allowFailure: true,
    timeoutMs: 300_000,
  });
  if (r.code !== 0) throw new Error(`${label} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r;
}

export async function runAll(exec: Executor, cmds: RemoteCommand[]): Promise<void> {
  for (const c of cmds) await exec.run(c);
}

/** `sh` text on the host; throws on failure with its output. */
export async function sh(exec: Executor, script: string): Promise<string> {
  return (await exec.run({ label: script.split('\n')[0].slice(0, 60), script, privileged: true, timeoutMs: 300_000 }))
    .stdout;
}

/** Polls New API's /api/status on the host until it answers with `version` (or any version). */
export async function waitVersion(
  exec: Executor,
  port: number,
  version?: string,
  timeoutMs = 30_000,
): Promise<{ version: string; start_time: number; setup: boolean }> {
  const end = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const r = await exec.run({
      label: 'status',
      script: `curl -s -m 2 http://127.0.0.1:${port}/api/status`,
      allowFailure: true,
      quiet: true,
    });
    last = r.stdout;
    try {
      const data = (JSON.parse(r.stdout) as { data: { version: string; start_time: number; setup: boolean } }).data;
      if (!version || data.version === version) return data;
    } catch {
      // not up yet
    }
    if (Date.now() > end)
      throw new Error(
        `New API on port ${port} did not report ${version ?? 'a version'} in time; last answer: ${last.slice(0, 200)}`,
      );
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The Settings fields backups read. */
export function backupSettings(backupDir: string, version: string): Settings {
  return { backupDir, backupKeep: 2, version } as Settings;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- docker inspect JSON, read field by field
export function inspectOf(json: string): Record<string, any> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (JSON.parse(json) as Record<string, any>[])[0];
}

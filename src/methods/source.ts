/**
 * The source method: a git clone built on the host. While the old binary serves: fetch tags, check the
 * target out in a separate worktree, build the web UI first (the binary embeds it) and then the binary
 * with the version injected. The swap moves the new binary into place, keeping the old one as
 * `<binary>.previous` (its commit in `<binary>.previous.ref`), moves the clone to the tag and restarts.
 * Rollback puts the previous binary back and restarts — no rebuild.
 *
 * Liveness: with systemd, the unit's state (ActiveState, NRestarts, ExecMainStartTimestamp). Without
 * it, the processes whose executable is the binary (/proc/<pid>/exe), their age from `ps -o etimes`.
 */
import { posix } from 'node:path';
import type { HostSpec } from '../settings.js';
import { shq } from '../ssh/quote.js';
import type { Executor, RemoteCommand } from '../ssh/types.js';
import { detectDatabase, sqliteProcessPath } from './backup.js';
import { envSecrets } from './container.js';
import type { DeployMethod, NodeState, RuntimeState, ServiceControl, SwapScripts, UpdateTarget } from './types.js';

export const DEFAULT_UNIT = 'new-api.service';
const TAG_RE = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** Where the target is checked out and built: inside the clone's .git, so the clone never looks dirty. */
export function worktreePath(sourceDir: string): string {
  return posix.join(sourceDir, '.git', 'new-api-update', 'worktree');
}

/** Parses a .env file the way godotenv reads it (KEY=VALUE, optional `export`, quotes, # comments). */
export function parseDotenv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*[=:]\s*(.*)$/.exec(raw);
    if (!m) continue;
    let v = m[2];
    if (/^"/.test(v))
      v = (/^"((?:[^"\\]|\\.)*)"/.exec(v)?.[1] ?? v.slice(1)).replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    else if (/^'/.test(v)) v = /^'([^']*)'/.exec(v)?.[1] ?? v.slice(1);
    else v = v.replace(/\s+#.*$/, '').trim();
    env[m[1]] = v;
  }
  return env;
}

/** The binary's path from `systemctl show -p ExecStart` (`{ path=/opt/new-api/new-api ; argv[]=… }`). */
export function execStartPath(execStart: string): string | undefined {
  return /path=([^ ;]+)/.exec(execStart)?.[1];
}

/**
 * The build, run in the worktree. The host's `build` key replaces New API's own steps; it gets
 * NEW_API_TAG and must leave the binary at $NEW_API_OUTPUT.
 */
export function buildScript(sourceDir: string, worktree: string, tag: string, output: string, custom?: string): string {
  if (!TAG_RE.test(tag)) throw new Error(`not a release tag: ${tag}`);
  const head = [
    `cd ${shq(worktree)}`,
    `NEW_API_TAG=${shq(tag)}`,
    `NEW_API_OUTPUT=${shq(output)}`,
    'export NEW_API_TAG NEW_API_OUTPUT',
    // A clone whose Go dependencies live in an untracked vendor/ builds offline; so must the worktree.
    `if [ ! -e vendor ] && [ -f ${shq(`${sourceDir}/vendor/modules.txt`)} ]; then cp -a ${shq(`${sourceDir}/vendor`)} vendor; fi`,
  ];
  const check = `[ -s "$NEW_API_OUTPUT" ] || { echo "the build left no binary at $NEW_API_OUTPUT" >&2; exit 1; }`;
  if (custom) return [...head, custom, check].join('\n');
  return [
    ...head,
    // The web UI is embedded with go:embed, so it is built first (its folder moved between versions).
    'webdir=',
    'for d in web/default web; do if [ -f "$d/package.json" ]; then webdir=$d; break; fi; done',
    'if [ -n "$webdir" ]; then',
    '  (',
    '    cd "$webdir"',
    '    export DISABLE_ESLINT_PLUGIN=true VITE_REACT_APP_VERSION="$NEW_API_TAG"',
    '    if command -v bun >/dev/null 2>&1; then bun install && bun run build',
    '    else npm install --no-audit --no-fund && npm run build; fi',
    '  )',
    'fi',
    // The module path decides where the version variable lives (one-api before ~v0.9.7).
    `module=$(awk '$1 == "module" { gsub(/"/, "", $2); print $2; exit }' go.mod)`,
    `case "$module" in '' | *[!A-Za-z0-9._~/-]*) echo "cannot read the module path from go.mod" >&2; exit 1 ;; esac`,
    `go build -ldflags "-s -w -X '$module/common.Version=$NEW_API_TAG'" -o "$NEW_API_OUTPUT"`,
    check,
  ].join('\n');
}

export class SourceMethod implements DeployMethod {
  readonly name = 'source' as const;
  private readonly dir: string;

  constructor(readonly host: HostSpec) {
    if (!host.sourceDir) throw new Error(`host ${host.name}: the source method needs source-dir`);
    this.dir = host.sourceDir;
  }

  async inspect(exec: Executor): Promise<NodeState> {
    const D = shq(this.dir);
    const unit = shq(DEFAULT_UNIT);
    const r = await exec.run({
      label: 'read the source checkout and the running process',
      script: [
        `cd ${D} || exit 1`,
        `echo "commit=$(git rev-parse HEAD)"`,
        `echo "branch=$(git symbolic-ref -q --short HEAD || true)"`,
        `echo "describe=$(git describe --tags --exact-match 2>/dev/null || git describe --tags 2>/dev/null || true)"`,
        `if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then`,
        `  systemctl show ${unit} -p LoadState -p MainPID -p ExecStart -p FragmentPath --no-pager | sed 's/^/unit./'`,
        'fi',
        `for f in ${D}/new-api ${D}/one-api; do if [ -x "$f" ]; then echo "guess=$f"; fi; done`,
      ].join('\n'),
      privileged: true,
      quiet: true,
    });
    const kv = new Map<string, string>();
    for (const line of r.stdout.split('\n')) {
      const i = line.indexOf('=');
      if (i > 0 && !kv.has(line.slice(0, i))) kv.set(line.slice(0, i), line.slice(i + 1).trim());
    }
    const systemd = kv.get('unit.LoadState') === 'loaded';
    const binaryPath = (systemd ? execStartPath(kv.get('unit.ExecStart') ?? '') : undefined) ?? kv.get('guess');
    if (!binaryPath)
      throw new Error(
        `no New API binary found in ${this.dir} (new-api or one-api), and no systemd unit ${DEFAULT_UNIT} names one`,
      );
    if (!systemd && !this.host.restart) {
      throw new Error(
        `host ${this.host.name}: no systemd unit ${DEFAULT_UNIT} on the host; set 'restart' to the command that restarts New API`,
      );
    }

    // The running process's environment and working directory, plus the .env it loads from there.
    const proc = await exec.run({
      label: 'read the New API process environment',
      script: [
        `bin=${shq(binaryPath)}`,
        `pid=${systemd ? `$(systemctl show ${unit} -p MainPID --value)` : ''}`,
        'if [ -z "$pid" ] || [ "$pid" = 0 ]; then pid=; for p in /proc/[0-9]*; do if [ "$(readlink "$p/exe" 2>/dev/null)" = "$bin" ]; then pid=${p#/proc/}; break; fi; done; fi',
        'if [ -n "$pid" ]; then',
        '  echo "cwd=$(readlink /proc/$pid/cwd)"',
        `  tr '\\0' '\\n' < /proc/$pid/environ | sed 's/^/env./'`,
        '  if [ -f "/proc/$pid/cwd/.env" ]; then sed "s/^/dotenv./" "/proc/$pid/cwd/.env"; fi',
        'fi',
      ].join('\n'),
      privileged: true,
      quiet: true,
    });
    const env: Record<string, string> = {};
    let cwd = this.dir;
    const dotenv: string[] = [];
    for (const line of proc.stdout.split('\n')) {
      if (line.startsWith('cwd=')) cwd = line.slice(4) || cwd;
      else if (line.startsWith('dotenv.')) dotenv.push(line.slice(7));
      else if (line.startsWith('env.')) {
        const i = line.indexOf('=');
        if (i > 4) env[line.slice(4, i)] = line.slice(i + 1);
      }
    }
    // godotenv does not override variables the process already has.
    for (const [k, v] of Object.entries(parseDotenv(dotenv.join('\n')))) if (!(k in env)) env[k] = v;
    const database = detectDatabase(env);

    const leftovers = await exec.run({
      label: 'look for leftovers of an earlier update',
      script: `for f in ${shq(worktreePath(this.dir))} ${shq(`${binaryPath}.next`)}; do if [ -e "$f" ]; then echo "$f"; fi; done`,
      privileged: true,
      quiet: true,
    });
    const describe = kv.get('describe');
    return {
      host: this.host,
      method: 'source',
      deployedVersion: describe || undefined,
      env,
      database,
      sqliteHostPath: database === 'sqlite' ? sqliteProcessPath(env, cwd) : undefined,
      sourceCommit: kv.get('commit'),
      sourceBranch: kv.get('branch') || undefined,
      binaryPath,
      systemdUnit: systemd ? DEFAULT_UNIT : undefined,
      secrets: envSecrets(env),
      leftovers: leftovers.stdout.split('\n').filter(Boolean),
    };
  }

  preflight(_state: NodeState, target: UpdateTarget): RemoteCommand[] {
    if (!TAG_RE.test(target.tag)) throw new Error(`not a release tag: ${target.tag}`);
    const D = shq(this.dir);
    const tools = this.host.build ? ['git'] : ['git', 'go'];
    return [
      {
        label: `tools present (${tools.join(', ')}${this.host.build ? '' : ', bun or npm'})`,
        script: [
          ...tools.map(
            (t) =>
              `command -v ${t} >/dev/null 2>&1 || { echo ${shq(`${t} is not installed on the host`)} >&2; exit 1; }`,
          ),
          ...(this.host.build
            ? []
            : [
                `command -v bun >/dev/null 2>&1 || command -v npm >/dev/null 2>&1 || { echo 'neither bun nor npm is installed on the host (needed to build the web UI)' >&2; exit 1; }`,
              ]),
        ].join('\n'),
      },
      {
        label: 'the source checkout has no local changes',
        // Untracked files (the binary, the database, logs) do not block a checkout; edited tracked files would.
        script: `cd ${D} && changes=$(git status --porcelain --untracked-files=no) && if [ -n "$changes" ]; then printf '%s\\n' ${shq(
          `${this.dir} has local changes; commit or stash them first:`,
        )} "$changes" >&2; exit 1; fi`,
      },
      {
        label: `tag ${target.tag} exists`,
        script: `cd ${D} && { git rev-parse -q --verify ${shq(`refs/tags/${target.tag}^{commit}`)} >/dev/null || git ls-remote --exit-code --tags origin ${shq(
          `refs/tags/${target.tag}`,
        )} >/dev/null; } || { echo ${shq(`tag ${target.tag} is neither in ${this.dir} nor on its origin`)} >&2; exit 1; }`,
        timeoutMs: 120_000,
      },
    ];
  }

  prepare(state: NodeState, target: UpdateTarget): RemoteCommand[] {
    const D = shq(this.dir);
    const WT = worktreePath(this.dir);
    const tagRef = shq(`refs/tags/${target.tag}`);
    return [
      {
        label: 'fetch tags',
        script: `cd ${D} && { git fetch --tags --force --quiet || git rev-parse -q --verify ${tagRef} >/dev/null; }`,
        timeoutMs: 10 * 60_000,
      },
      {
        label: `check out ${target.tag} in a separate worktree`,
        script: [
          `cd ${D}`,
          `git worktree remove --force ${shq(WT)} >/dev/null 2>&1 || rm -rf ${shq(WT)}`,
          'git worktree prune',
          `git worktree add --detach --quiet ${shq(WT)} ${tagRef}`,
        ].join('\n'),
      },
      {
        label: `build ${target.tag} (${this.host.build ? 'build command' : 'web UI, then the binary'})`,
        script: buildScript(
          this.dir,
          WT,
          target.tag,
          posix.join(WT, posix.basename(state.binaryPath!)),
          this.host.build,
        ),
        timeoutMs: 60 * 60_000,
      },
    ];
  }

  configFiles(state: NodeState): string[] {
    const files = [posix.join(this.dir, '.env')];
    if (state.systemdUnit) files.push(`/etc/systemd/system/${state.systemdUnit}`);
    return files;
  }

  private restart(state: NodeState): string {
    return this.host.restart ?? `systemctl restart ${shq(state.systemdUnit ?? DEFAULT_UNIT)}`;
  }

  serviceControl(state: NodeState): ServiceControl {
    return {
      stop: this.stopScript(state),
      start: this.host.restart ?? `systemctl start ${shq(state.systemdUnit ?? DEFAULT_UNIT)}`,
    };
  }

  /** Stops New API: the unit, or a TERM to the processes running the binary (waiting out the drain). */
  private stopScript(state: NodeState): string {
    if (state.systemdUnit) return `systemctl stop ${shq(state.systemdUnit)}`;
    return [
      `bin=${shq(state.binaryPath!)}`,
      'pids=; for p in /proc/[0-9]*; do case "$(readlink "$p/exe" 2>/dev/null)" in "$bin" | "$bin (deleted)") pids="$pids ${p#/proc/}" ;; esac; done',
      'if [ -n "$pids" ]; then kill -TERM $pids 2>/dev/null || true; fi',
      `i=0; while [ -n "$pids" ] && kill -0 $pids 2>/dev/null && [ $i -lt 1300 ]; do sleep 0.1; i=$((i + 1)); done`,
    ].join('\n');
  }

  swap(state: NodeState, target: UpdateTarget): SwapScripts {
    if (!TAG_RE.test(target.tag)) throw new Error(`not a release tag: ${target.tag}`);
    const bin = state.binaryPath!;
    const B = shq(bin);
    const PREV = shq(`${bin}.previous`);
    const REF = shq(`${bin}.previous.ref`);
    const NEXT = shq(`${bin}.next`);
    const NEW = shq(posix.join(worktreePath(this.dir), posix.basename(bin)));
    const OLD = shq(state.sourceCommit!);
    // git runs as the clone's owner: a root-owned file in a user's clone would break their next pull.
    const git = [
      'git_owner() {',
      `  o=$(stat -c %U ${shq(this.dir)})`,
      `  if [ "$(id -un)" != "$o" ] && command -v runuser >/dev/null 2>&1; then runuser -u "$o" -- git -C ${shq(this.dir)} "$@"; else git -C ${shq(this.dir)} "$@"; fi`,
      '}',
    ].join('\n');
    const restart = this.restart(state);

    const apply = [
      git,
      `[ -s ${NEW} ] || { echo 'the built binary is missing' >&2; exit 1; }`,
      `cp -p ${NEW} ${NEXT}`,
      // A hard link keeps the running binary as .previous with no moment where the path is missing.
      `ln -f ${B} ${PREV}`,
      `printf '%s\\n' ${OLD} > ${REF}.tmp && mv -f ${REF}.tmp ${REF}`,
      ...(state.backupWhileStopped ? [this.stopScript(state), state.backupWhileStopped] : []),
      `mv -f ${NEXT} ${B}`,
      `git_owner checkout --quiet --detach ${shq(`refs/tags/${target.tag}`)}`,
      restart,
    ].join('\n');

    const revert = [
      git,
      `rm -f ${NEXT}`,
      `if [ -f ${PREV} ] && [ "$(cat ${REF} 2>/dev/null)" = ${OLD} ]; then`,
      `  if [ ${B} -ef ${PREV} ]; then rm -f ${PREV}; else mv -f ${PREV} ${B}; fi`,
      `  rm -f ${REF}`,
      'fi',
      state.sourceBranch
        ? `git_owner checkout --quiet ${shq(state.sourceBranch)}`
        : `git_owner checkout --quiet --detach ${OLD}`,
      restart,
    ].join('\n');

    const finalize = [
      git,
      `git_owner worktree remove --force ${shq(worktreePath(this.dir))} >/dev/null 2>&1 || rm -rf ${shq(worktreePath(this.dir))}`,
      'git_owner worktree prune',
    ].join('\n');
    return { apply, revert, finalize };
  }

  async runtimeState(exec: Executor, state: NodeState): Promise<RuntimeState> {
    if (state.systemdUnit) {
      const r = await exec.run({
        label: `state of ${state.systemdUnit}`,
        argv: [
          'systemctl',
          'show',
          state.systemdUnit,
          '-p',
          'ActiveState',
          '-p',
          'SubState',
          '-p',
          'NRestarts',
          '-p',
          'ExecMainStatus',
          '-p',
          'ExecMainStartTimestamp',
          '--no-pager',
        ],
        quiet: true,
        allowFailure: true,
      });
      const kv = Object.fromEntries(
        r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      const started = kv.ExecMainStartTimestamp
        ? new Date(kv.ExecMainStartTimestamp.replace(/^\w{3} /, ''))
        : undefined;
      return {
        running: kv.ActiveState === 'active',
        restarting: kv.ActiveState === 'activating' || kv.SubState === 'auto-restart',
        exitCode: kv.ExecMainStatus ? Number(kv.ExecMainStatus) : undefined,
        restartCount: kv.NRestarts ? Number(kv.NRestarts) : undefined,
        startedAt: started && !isNaN(started.getTime()) ? started.toISOString() : undefined,
        detail: `${state.systemdUnit}: ${kv.ActiveState ?? 'unknown'} (${kv.SubState ?? '?'})`,
      };
    }
    // The start time comes from /proc/<pid>/stat (boot time + start ticks): fixed for the life of the
    // process, unlike now - elapsed, which jitters by a second between polls and looks like a restart.
    const r = await exec.run({
      label: 'New API process',
      script: [
        `bin=${shq(state.binaryPath!)}`,
        "btime=$(awk '/^btime/ {print $2}' /proc/stat); hz=$(getconf CLK_TCK)",
        'for p in /proc/[0-9]*; do',
        '  if [ "$(readlink "$p/exe" 2>/dev/null)" = "$bin" ]; then',
        "    ticks=$(sed 's/.*) //' \"$p/stat\" | awk '{print $20}')",
        '    echo "${p#/proc/} $((btime + ticks / hz))"',
        '  fi',
        'done',
      ].join('\n'),
      privileged: true,
      quiet: true,
      allowFailure: true,
    });
    const procs = r.stdout
      .trim()
      .split('\n')
      .filter((l) => /^\d+ +\d+$/.test(l.trim()))
      .map((l) => l.trim().split(/ +/).map(Number));
    if (procs.length === 0) return { running: false, restarting: false, detail: `no process runs ${state.binaryPath}` };
    const youngest = procs.reduce((a, b) => (b[1] > a[1] ? b : a));
    return {
      running: true,
      restarting: false,
      startedAt: new Date(youngest[1] * 1000).toISOString(),
      detail: `pid ${youngest[0]} running ${state.binaryPath}`,
    };
  }

  logs(state: NodeState, sinceUnix: number): RemoteCommand {
    const since = Math.floor(sinceUnix);
    if (this.host.logs) {
      // The host's own command, told the window start (it may ignore it; the check filters by time too).
      return {
        label: 'logs (host command)',
        script: `NEW_API_SINCE=${since}; export NEW_API_SINCE\n${this.host.logs}`,
        privileged: true,
        quiet: true,
      };
    }
    return {
      label: `logs of ${state.systemdUnit ?? DEFAULT_UNIT}`,
      argv: ['journalctl', '-u', state.systemdUnit ?? DEFAULT_UNIT, '--since', `@${since}`, '--no-pager', '-o', 'cat'],
      privileged: true,
      quiet: true,
    };
  }
}

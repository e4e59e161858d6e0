/**
 * The compose method: `docker compose` (v2 plugin) or `docker-compose` (v1). Update = pull the new image
 * while the old container serves → keep a byte-exact copy of the compose file → pin the new tag on the
 * service's image line only (compose-file.ts) → recreate ONLY that service (`up -d --no-deps
 * --force-recreate`, never `down`: the database and Redis keep running). Rollback = put the copy back
 * byte for byte and recreate the service from the kept old image, re-tagged locally so no pull is needed.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { instanceDir } from '../rollout/hoststep.js';
import type { HostSpec } from '../settings.js';
import { shellJoin, shq } from '../ssh/quote.js';
import type { Executor, RemoteCommand } from '../ssh/types.js';
import { ComposeEditError, pinServiceImage, serviceImage } from './compose-file.js';
import {
  containerLogs,
  containerRuntime,
  containerState,
  dockerVersionCommand,
  imageExistsCommand,
  parseImageRef,
  pruneScript,
  registryPullCommands,
  readContainer,
  stopTimeoutSeconds,
} from './container.js';
import type {
  DeployMethod,
  MethodOptions,
  NodeState,
  RuntimeState,
  ServiceControl,
  SwapScripts,
  UpdateTarget,
} from './types.js';

/** Suffix of the byte-exact copy kept beside the compose file until the update is finalized. */
export const COMPOSE_COPY_SUFFIX = '.pre-update';

const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const DEFAULT_OVERRIDES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
];

export const COMPOSE_V2 = ['docker', 'compose'];
export const COMPOSE_V1 = ['docker-compose'];

/** `cd <project> && <compose> -p <project> -f … <args>`: the same project and files the service was made with. */
export function composeCommandLine(
  state: Pick<NodeState, 'composeCommand' | 'composeProject' | 'composeFiles'>,
  dir: string,
  args: string[],
): string {
  const argv = [
    ...state.composeCommand!,
    '-p',
    state.composeProject!,
    ...(state.composeFiles ?? []).flatMap((f) => ['-f', f]),
    ...args,
  ];
  return `cd ${shq(dir)} && ${shellJoin(argv)}`;
}

/** Picks the service's container among `docker ps` rows `id|working_dir|project|config_files`. */
export function pickServiceContainer(
  rows: string[],
  projectDir: string,
  service: string,
): { id: string; workingDir: string; project: string; configFiles: string[] } {
  const norm = (p: string): string => p.replace(/\/+$/, '') || '/';
  const matches = rows
    .map((r) => r.split('|'))
    .filter((f) => f.length >= 3 && norm(f[1]) === norm(projectDir))
    .map(([id, workingDir, project, files = '']) => ({
      id,
      workingDir,
      project,
      configFiles: files
        .split(',')
        .filter(Boolean)
        .map((f) => posix.resolve(workingDir, f)),
    }));
  if (matches.length === 0) {
    throw new Error(
      `no container of service ${service} from a compose project in ${projectDir}; start it once with 'up -d' (the update needs the running service to copy from)`,
    );
  }
  if (matches.length > 1)
    throw new Error(
      `service ${service} in ${projectDir} runs ${matches.length} containers; scaled services are not supported`,
    );
  return matches[0];
}

export class ComposeMethod implements DeployMethod {
  readonly name = 'compose' as const;
  private readonly dir: string;

  constructor(
    readonly host: HostSpec,
    private readonly opts: MethodOptions = {},
  ) {
    if (!host.projectDir) throw new Error(`host ${host.name}: the compose method needs project-dir`);
    this.dir = host.projectDir;
  }

  private nextFile(): string {
    return posix.join(instanceDir(this.host), 'compose-file.next');
  }

  async inspect(exec: Executor): Promise<NodeState> {
    const svc = this.host.service;
    const probe = await exec.run({
      label: 'find the compose command and the service container',
      script: [
        `cd ${shq(this.dir)} || exit 1`,
        `if docker compose version >/dev/null 2>&1; then echo cmd=v2; elif command -v docker-compose >/dev/null 2>&1; then echo cmd=v1; fi`,
        `docker ps -a --no-trunc --filter ${shq(`label=com.docker.compose.service=${svc}`)} --filter label=com.docker.compose.oneoff=False --format ${shq(
          'ctr={{.ID}}|{{.Label "com.docker.compose.project.working_dir"}}|{{.Label "com.docker.compose.project"}}|{{.Label "com.docker.compose.project.config_files"}}',
        )}`,
        `for f in ${[...DEFAULT_FILES, ...DEFAULT_OVERRIDES].join(' ')}; do if [ -f "$f" ]; then echo "file=$f"; fi; done`,
      ].join('\n'),
      privileged: true,
      quiet: true,
    });
    const lines = probe.stdout.split('\n').map((l) => l.trim());
    const val = (k: string): string[] => lines.filter((l) => l.startsWith(`${k}=`)).map((l) => l.slice(k.length + 1));
    const cmd = val('cmd')[0];
    if (!cmd) throw new Error(`neither 'docker compose' nor 'docker-compose' works on ${this.host.name}`);
    const picked = pickServiceContainer(val('ctr'), this.dir, svc);

    const state = containerState(this.host, 'compose', await readContainer(exec, picked.id));
    state.composeCommand = cmd === 'v2' ? COMPOSE_V2 : COMPOSE_V1;
    state.composeProject = picked.project;
    const present = val('file');
    state.composeFiles = picked.configFiles.length
      ? picked.configFiles
      : [DEFAULT_FILES.find((f) => present.includes(f)), DEFAULT_OVERRIDES.find((f) => present.includes(f))]
          .filter((f): f is string => !!f)
          .map((f) => posix.join(this.dir, f));
    if (state.composeFiles.length === 0) throw new Error(`no compose file in ${this.dir}`);

    // The effective image line is the one in the LAST file that sets it (later -f files override).
    const reasons: string[] = [];
    for (const file of [...state.composeFiles].reverse()) {
      const r = await exec.run({ label: `read ${file}`, argv: ['cat', file], privileged: true, quiet: true });
      const found = serviceImage(r.stdout, svc, file);
      if (found.kind === 'absent') {
        reasons.push(found.reason);
        continue;
      }
      if (found.value !== state.image!.ref) {
        throw new Error(
          `${file} names image ${found.value} for ${svc}, but the running container uses ${state.image!.ref}: apply the file first ('up -d ${svc}') so that a rollback can restore exactly what runs`,
        );
      }
      state.composeFile = file;
      state.composeFileText = r.stdout;
      state.composeFileSha256 = createHash('sha256').update(r.stdout, 'utf8').digest('hex');
      break;
    }
    if (!state.composeFile) throw new ComposeEditError(reasons.join('; '));

    const leftovers = await exec.run({
      label: 'look for leftovers of an earlier update',
      script: `for f in ${shq(state.composeFile + COMPOSE_COPY_SUFFIX)} ${shq(this.nextFile())}; do if [ -e "$f" ]; then echo "$f"; fi; done`,
      privileged: true,
      quiet: true,
    });
    state.leftovers = leftovers.stdout.split('\n').filter(Boolean);
    return state;
  }

  preflight(state: NodeState, target: UpdateTarget): RemoteCommand[] {
    const copy = state.composeFile! + COMPOSE_COPY_SUFFIX;
    return [
      dockerVersionCommand(),
      {
        label: 'the compose file is valid',
        script: `${composeCommandLine(state, this.dir, ['config', '-q'])}`,
        privileged: true,
      },
      {
        label: 'no compose file copy left over from an earlier update',
        script: `if [ -e ${shq(copy)} ]; then echo ${shq(
          `${copy} exists: an earlier update did not finish. Compare it with ${state.composeFile}, then remove it or move it back`,
        )} >&2; exit 1; fi`,
        privileged: true,
      },
      imageExistsCommand(target.imageRef),
    ];
  }

  prepare(state: NodeState, target: UpdateTarget): RemoteCommand[] {
    const cmds: RemoteCommand[] = [];
    // Pulled by reference, not through compose: the file is not touched while the old version serves.
    cmds.push(...registryPullCommands(target.imageRef, this.opts.registryUsername, this.opts.registryPassword));
    const next = this.nextFile();
    cmds.push({
      label: `prepare ${state.composeFile} with image ${target.imageRef}`,
      script: `umask 077 && mkdir -p ${shq(posix.dirname(next))} && cat > ${shq(next)}`,
      stdin: pinServiceImage(state.composeFileText!, this.host.service, target.imageRef, state.composeFile),
      privileged: true,
    });
    return cmds;
  }

  configFiles(state: NodeState): string[] {
    return [...(state.composeFiles ?? []), posix.join(this.dir, '.env')];
  }

  swap(state: NodeState, target: UpdateTarget): SwapScripts {
    const F = shq(state.composeFile!);
    const P = shq(state.composeFile! + COMPOSE_COPY_SUFFIX);
    const TMP = shq(`${state.composeFile}.new-api-update.tmp`);
    const NEXT = shq(this.nextFile());
    const SHA = shq(state.composeFileSha256!);
    const T = stopTimeoutSeconds(state.env);
    const svc = this.host.service;
    const oldRef = state.image!.ref;
    const OLDID = shq(state.image!.id);
    // Keeps the old reference resolving to the exact old image, so the restored file needs no pull.
    const retag = parseImageRef(oldRef).digest ? ':' : `docker tag ${OLDID} ${shq(oldRef)}`;
    const up = composeCommandLine(state, this.dir, [
      'up',
      '-d',
      '--no-deps',
      '--force-recreate',
      '--no-build',
      '-t',
      String(T),
      svc,
    ]);
    const serviceContainer = `docker ps -q --no-trunc --filter ${shq(`label=com.docker.compose.project=${state.composeProject}`)} --filter ${shq(
      `label=com.docker.compose.service=${svc}`,
    )} --filter label=com.docker.compose.oneoff=False | head -n 1`;

    const apply = [
      `if [ -e ${P} ]; then echo 'a compose file copy from an earlier update is in the way' >&2; exit 1; fi`,
      `printf '%s  %s\\n' ${SHA} ${F} | sha256sum -c --status - || { echo ${shq(`${state.composeFile} changed since it was read; not touching it`)} >&2; exit 1; }`,
      `[ -s ${NEXT} ] || { echo 'the prepared compose file is missing' >&2; exit 1; }`,
      `cp -p ${F} ${P}`,
      retag,
      ...(state.backupWhileStopped ? [this.serviceControl(state).stop, state.backupWhileStopped] : []),
      // Same owner and mode as the original, replaced atomically.
      `cp -p ${F} ${TMP} && cat ${NEXT} > ${TMP} && mv -f ${TMP} ${F}`,
      `(${up})`,
      `rm -f ${NEXT}`,
    ].join('\n');

    const revert = [
      `if [ -f ${P} ] && printf '%s  %s\\n' ${SHA} ${P} | sha256sum -c --status -; then mv -f ${P} ${F}; fi`,
      `rm -f ${NEXT} ${TMP}`,
      retag,
      `cur=$(${serviceContainer})`,
      // Nothing to do when the service already runs the old image from the restored file (apply failed
      // before touching it, or this revert already ran).
      `if [ -z "$cur" ] || [ "$(docker container inspect -f '{{.Image}} {{.State.Running}}' "$cur")" != ${shq(`${state.image!.id} true`)} ]; then (${up}); fi`,
    ].join('\n');

    const finalize = [
      `rm -f ${P} ${NEXT}`,
      pruneScript(
        [parseImageRef(target.imageRef).repository, parseImageRef(oldRef).repository],
        `$(docker container inspect -f '{{.Image}}' "$(${serviceContainer})")`,
        state.image!.id,
      ),
    ].join('\n');
    return { apply, revert, finalize };
  }

  serviceControl(state: NodeState): ServiceControl {
    const svc = this.host.service;
    return {
      stop: `(${composeCommandLine(state, this.dir, ['stop', '-t', String(stopTimeoutSeconds(state.env)), svc])})`,
      start: `(${composeCommandLine(state, this.dir, ['start', svc])})`,
    };
  }

  runtimeState(exec: Executor, state: NodeState): Promise<RuntimeState> {
    // Compose gives the recreated container the same name, so the name follows the service.
    return containerRuntime(exec, state.containerName!);
  }

  logs(state: NodeState, sinceUnix: number): RemoteCommand {
    return containerLogs(state.containerName!, sinceUnix);
  }
}

/**
 * The docker method: one container made with `docker run` (also BaoTa/1Panel-managed containers).
 * Update = pull while the old one serves → stop it (graceful drain), keep it renamed with restart policy
 * `no` → create the new one from the old one's inspect (docker-recreate.ts) under the original name →
 * start. Rollback = remove the new one, rename the old one back, restore its restart policy, start it.
 */
import { posix } from 'node:path';
import { instanceDir } from '../rollout/hoststep.js';
import type { HostSpec } from '../settings.js';
import { shellJoin, shq } from '../ssh/quote.js';
import type { Executor, RemoteCommand } from '../ssh/types.js';
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
import { planRecreate, type ContainerInspect, type RecreatePlan } from './docker-recreate.js';
import type {
  DeployMethod,
  MethodOptions,
  NodeState,
  RuntimeState,
  ServiceControl,
  SwapScripts,
  UpdateTarget,
} from './types.js';

/** Suffix of the kept old container's name; anything carrying it is a leftover of an unfinished update. */
export const KEPT_SUFFIX = '-pre-update-';

export function keptName(state: NodeState): string {
  const from = (state.deployedVersion ?? state.image?.id.replace(/^sha256:/, '').slice(0, 12) ?? 'old').replace(
    /[^A-Za-z0-9_.-]/g,
    '_',
  );
  return `${state.containerName}${KEPT_SUFFIX}${from}`;
}

export function envFilePath(host: HostSpec): string {
  return posix.join(instanceDir(host), 'new-container.env');
}

export class DockerMethod implements DeployMethod {
  readonly name = 'docker' as const;

  constructor(
    readonly host: HostSpec,
    private readonly opts: MethodOptions = {},
  ) {}

  async inspect(exec: Executor): Promise<NodeState> {
    const facts = await readContainer(exec, this.host.container);
    const state = containerState(this.host, 'docker', facts);
    const prefix = `${state.containerName}${KEPT_SUFFIX}`;
    const names = await exec.run({
      label: 'look for leftovers of an earlier update',
      argv: ['docker', 'ps', '-a', '--format', '{{.Names}}'],
      privileged: true,
      quiet: true,
    });
    state.leftovers = names.stdout
      .split('\n')
      .map((n) => n.trim())
      .filter((n) => n.startsWith(prefix));
    // Fail now, before anything changes, when the container cannot be recreated faithfully.
    this.plan(state, { tag: 'check', imageRef: state.image!.ref });
    return state;
  }

  private plan(state: NodeState, target: UpdateTarget): RecreatePlan {
    const facts = JSON.parse(state.inspectJson!) as ContainerInspect[];
    return planRecreate(facts[0], state.imageConfig ?? {}, target.imageRef, envFilePath(this.host));
  }

  preflight(state: NodeState, target: UpdateTarget): RemoteCommand[] {
    const kept = keptName(state);
    return [
      dockerVersionCommand(),
      {
        label: 'no container left over from an earlier update',
        script: `if docker container inspect ${shq(kept)} >/dev/null 2>&1; then echo ${shq(
          `container ${kept} exists: an earlier update did not finish. Compare it with ${state.containerName}, then remove it (docker rm ${kept}) or rename it back`,
        )} >&2; exit 1; fi`,
        privileged: true,
      },
      imageExistsCommand(target.imageRef),
    ];
  }

  prepare(state: NodeState, target: UpdateTarget): RemoteCommand[] {
    const cmds: RemoteCommand[] = [];
    cmds.push(...registryPullCommands(target.imageRef, this.opts.registryUsername, this.opts.registryPassword));
    const plan = this.plan(state, target);
    if (plan.envFile) {
      const f = envFilePath(this.host);
      cmds.push({
        label: 'write the environment file for the new container (0600)',
        script: `umask 077 && mkdir -p ${shq(posix.dirname(f))} && cat > ${shq(f)}`,
        stdin: plan.envFile,
        privileged: true,
      });
    }
    return cmds;
  }

  configFiles(): string[] {
    // The container's whole configuration is its inspect JSON, which the backup captures itself.
    return [];
  }

  swap(state: NodeState, target: UpdateTarget): SwapScripts {
    const plan = this.plan(state, target);
    const N = shq(plan.name);
    const K = shq(keptName(state));
    const OLD = shq(state.containerId!);
    const T = stopTimeoutSeconds(state.env);
    const envFile = shq(envFilePath(this.host));
    const repos = [parseImageRef(target.imageRef).repository, parseImageRef(state.image!.ref).repository];

    const apply = [
      `if docker container inspect ${K} >/dev/null 2>&1; then echo 'a kept container from an earlier update is in the way' >&2; exit 1; fi`,
      // restart=no first, so that neither a daemon restart nor the policy revives the old one.
      `docker update --restart=no ${OLD} >/dev/null`,
      `docker stop -t ${T} ${OLD} >/dev/null`,
      ...(state.backupWhileStopped ? [state.backupWhileStopped] : []),
      `docker rename ${OLD} ${K}`,
      `${shellJoin(plan.createArgv)} >/dev/null`,
      `rm -f ${envFile}`,
      ...plan.connectArgvs.map((a) => shellJoin(a)),
      `docker start ${N} >/dev/null`,
    ].join('\n');

    const revert = [
      `if ! docker container inspect ${OLD} >/dev/null 2>&1; then echo ${shq(
        `the old container ${state.containerId!.slice(0, 12)} no longer exists: it cannot be brought back by a rename`,
      )} >&2; exit 1; fi`,
      `cur=$(docker container inspect -f '{{.Id}}' ${N} 2>/dev/null || true)`,
      `if [ -n "$cur" ] && [ "$cur" != ${OLD} ]; then docker stop -t ${T} ${N} >/dev/null 2>&1 || true; docker rm -f ${N} >/dev/null; fi`,
      `if [ "$(docker container inspect -f '{{.Name}}' ${OLD})" != ${shq(`/${plan.name}`)} ]; then docker rename ${OLD} ${N}; fi`,
      `docker update --restart=${shq(plan.restartPolicy)} ${N} >/dev/null`,
      `docker start ${N} >/dev/null`,
      `rm -f ${envFile}`,
    ].join('\n');

    const finalize = [
      `if [ "$(docker container inspect -f '{{.Name}}' ${OLD} 2>/dev/null || true)" = ${shq(`/${keptName(state)}`)} ]; then docker rm ${OLD} >/dev/null; fi`,
      `rm -f ${envFile}`,
      pruneScript(repos, `$(docker container inspect -f '{{.Image}}' ${N})`, state.image!.id),
    ].join('\n');
    return { apply, revert, finalize };
  }

  serviceControl(state: NodeState): ServiceControl {
    const N = shq(state.containerName!);
    return {
      stop: `docker stop -t ${stopTimeoutSeconds(state.env)} ${N} >/dev/null`,
      start: `docker start ${N} >/dev/null`,
    };
  }

  runtimeState(exec: Executor, state: NodeState): Promise<RuntimeState> {
    return containerRuntime(exec, state.containerName!);
  }

  logs(state: NodeState, sinceUnix: number): RemoteCommand {
    return containerLogs(state.containerName!, sinceUnix);
  }
}

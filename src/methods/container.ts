/**
 * What the docker and compose methods share: reading a container and its image, image references,
 * registry login, pulling, the image-exists probe, stop timeouts, pruning, liveness and logs.
 */
import { shellJoin, shq } from '../ssh/quote.js';
import type { Executor, RemoteCommand } from '../ssh/types.js';
import type { HostSpec, Method } from '../settings.js';
import { detectDatabase, dsnSecrets, hostPathOf, sqliteProcessPath } from './backup.js';
import type { ContainerInspect, ImageInspect } from './docker-recreate.js';
import type { NodeState, RuntimeState } from './types.js';

export interface ImageRef {
  /** Registry host when the reference names one (`127.0.0.1:5000`), else undefined (Docker Hub). */
  registry?: string;
  /** Repository including the registry, as `docker image ls <repo>` wants it. */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImageRef(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const first = rest.split('/')[0];
  const registry =
    rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : undefined;
  return { registry, repository: rest, tag, digest };
}

/** Seconds `docker stop` waits before SIGKILL: New API drains for SHUTDOWN_TIMEOUT_SECONDS (default 120). */
export function stopTimeoutSeconds(env: Record<string, string>): number {
  const v = Number(env.SHUTDOWN_TIMEOUT_SECONDS);
  return (Number.isFinite(v) && v >= 0 ? Math.ceil(v) : 120) + 10;
}

const SECRET_KEY = /SECRET|PASSWORD|PASSWD|TOKEN|KEY|DSN|CONN|CREDENTIAL|PRIVATE|AUTH/i;

/** Values of credential-looking variables, for masking. */
export function envSecrets(env: Record<string, string>): string[] {
  const out = new Set<string>(dsnSecrets(env));
  for (const [k, v] of Object.entries(env)) {
    if (SECRET_KEY.test(k) && v.length >= 4 && !/^(true|false)$/i.test(v)) out.add(v);
  }
  return [...out];
}

export function envMap(list: string[] | null | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of list ?? []) {
    const i = e.indexOf('=');
    if (i > 0) env[e.slice(0, i)] = e.slice(i + 1);
  }
  return env;
}

/** Digest of the image in the repository it was pulled as (for an exact rollback record). */
export function repoDigest(image: ImageInspect, ref: string): string | undefined {
  const repo = parseImageRef(ref).repository;
  const all = image.RepoDigests ?? [];
  return (all.find((d) => d.startsWith(`${repo}@`)) ?? all[0])?.split('@')[1];
}

export interface ContainerFacts {
  container: ContainerInspect;
  image: ImageInspect;
  raw: string;
}

/** `docker container inspect` and `docker image inspect` of its image. Throws a clear error when absent. */
export async function readContainer(exec: Executor, nameOrId: string): Promise<ContainerFacts> {
  const c = await exec.run({
    label: `inspect container ${nameOrId}`,
    argv: ['docker', 'container', 'inspect', nameOrId],
    privileged: true,
    quiet: true,
    allowFailure: true,
  });
  if (c.code !== 0) {
    throw new Error(
      `no container '${nameOrId}' on ${exec.host.name}: ${(c.stderr || c.stdout).trim().split('\n').pop()}`,
    );
  }
  const container = (JSON.parse(c.stdout) as ContainerInspect[])[0];
  const i = await exec.run({
    label: `inspect image of ${nameOrId}`,
    argv: ['docker', 'image', 'inspect', container.Image],
    privileged: true,
    quiet: true,
  });
  const image = (JSON.parse(i.stdout) as ImageInspect[])[0];
  return { container, image, raw: c.stdout };
}

/** The parts of NodeState both container methods derive from inspect. */
export function containerState(host: HostSpec, method: Method, f: ContainerFacts): NodeState {
  const c = f.container;
  const env = envMap(c.Config.Env);
  const database = detectDatabase(env);
  const ref = c.Config.Image;
  const parsed = parseImageRef(ref);
  const state: NodeState = {
    host,
    method,
    deployedVersion: parsed.tag && parsed.tag !== 'latest' && !parsed.digest ? parsed.tag : undefined,
    image: { ref, id: f.image.Id, digest: repoDigest(f.image, ref) },
    containerName: c.Name.replace(/^\//, ''),
    containerId: c.Id,
    inspectJson: f.raw,
    imageConfig: f.image.Config ?? {},
    env,
    database,
    secrets: envSecrets(env),
    leftovers: [],
  };
  if (database === 'sqlite') {
    const inContainer = sqliteProcessPath(env, c.Config.WorkingDir || '/');
    state.sqliteHostPath = hostPathOf(
      (c.Mounts ?? []).map((m) => ({ Source: m.Source, Destination: m.Destination })),
      inContainer,
    );
    if (!state.sqliteHostPath) {
      throw new Error(
        `the SQLite database ${inContainer} of container ${state.containerName} is not on a volume or bind mount: recreating the container would lose it. Mount its directory first (e.g. -v /srv/new-api/data:/data)`,
      );
    }
  }
  return state;
}

/**
 * Pulls the target image, logged in to a private registry only for the pull: the password goes in on
 * stdin, and the host is logged out again whatever the pull did, so the credential does not stay in the
 * host's ~/.docker/config.json.
 */
export function registryPullCommands(imageRef: string, username?: string, password?: string): RemoteCommand[] {
  if (!username || !password) return [pullCommand(imageRef)];
  const { registry } = parseImageRef(imageRef);
  const reg = registry ? [registry] : [];
  return [
    {
      label: `docker login ${registry ?? 'Docker Hub'}, pull ${imageRef}, logout`,
      script: [
        `${shellJoin(['docker', 'login', '--username', username, '--password-stdin', ...reg])} >/dev/null || exit 1`,
        `${shellJoin(['docker', 'pull', imageRef])}; rc=$?`,
        `${shellJoin(['docker', 'logout', ...reg])} >/dev/null 2>&1`,
        'exit $rc',
      ].join('\n'),
      stdin: password,
      privileged: true,
      timeoutMs: 30 * 60_000,
    },
  ];
}

export function pullCommand(imageRef: string): RemoteCommand {
  return { label: `pull ${imageRef}`, argv: ['docker', 'pull', imageRef], privileged: true, timeoutMs: 30 * 60_000 };
}

const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');

/**
 * Read-only: does the tag exist? Local image first; then `docker manifest inspect --insecure` (docker
 * 20.10 CLI and later); then the registry's HTTP API with curl.
 * Exits 1 only when the registry says the tag does not exist; when it cannot tell (private registry
 * before login, no network), it warns and leaves the verdict to the pull, which changes nothing either.
 */
export function imageExistsCommand(imageRef: string): RemoteCommand {
  const r = parseImageRef(imageRef);
  const ref = shq(imageRef);
  const missing = `case "$out" in *'no such manifest'*|*'manifest unknown'*|*'MANIFEST_UNKNOWN'*|*'not found: manifest'*) echo ${shq(`image ${imageRef} does not exist in its registry`)} >&2; exit 1 ;; esac`;
  const lines = [
    `if docker image inspect ${ref} >/dev/null 2>&1; then echo 'image present locally'; exit 0; fi`,
    // --insecure also lets the CLI talk plain HTTP, which a private registry often is; without it the
    // CLI reports an HTTP registry's existing tags as "no such manifest".
    `if out=$(docker manifest inspect --insecure ${ref} 2>&1); then echo 'image found in the registry'; exit 0; fi`,
    missing,
  ];
  if (r.registry) {
    const path = `/v2/${r.repository.slice(r.registry.length + 1)}/manifests/${r.digest ?? r.tag ?? 'latest'}`;
    lines.push(
      'if command -v curl >/dev/null 2>&1; then',
      `  for scheme in https http; do`,
      `    code=$(curl -s -o /dev/null -w '%{http_code}' -I -m 10 -H ${shq(`Accept: ${MANIFEST_ACCEPT}`)} "$scheme://"${shq(r.registry + path)} 2>/dev/null || true)`,
      `    case "$code" in 200) echo 'image found in the registry'; exit 0 ;; 404) echo ${shq(`image ${imageRef} does not exist in its registry`)} >&2; exit 1 ;; esac`,
      '  done',
      'fi',
    );
  }
  lines.push(
    `echo ${shq(`warning: could not verify that ${imageRef} exists (registry unreachable or login needed); the pull will tell`)} >&2`,
  );
  return {
    label: `check that ${imageRef} exists`,
    script: lines.join('\n'),
    privileged: true,
    allowFailure: false,
    timeoutMs: 60_000,
  };
}

/**
 * Shell text removing images of the given repositories that are OLDER than the previous one
 * (`docker image ls` lists newest first), never the current or the previous image. An image still
 * used by some container is left alone (rmi fails, ignored).
 */
export function pruneScript(repositories: string[], currentIdExpr: string, previousId: string): string {
  const lines = [`cur=${currentIdExpr}`, `prev=${shq(previousId)}`];
  for (const repo of [...new Set(repositories)]) {
    lines.push(
      `seen=0`,
      `docker image ls --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}' ${shq(repo)} | while read -r id ref; do`,
      `  if [ "$id" = "$prev" ]; then seen=1; continue; fi`,
      `  if [ "$id" = "$cur" ] || [ "$seen" = 0 ]; then continue; fi`,
      `  case "$ref" in *'<none>') docker rmi "$id" >/dev/null 2>&1 || true ;; *) docker rmi "$ref" >/dev/null 2>&1 || true ;; esac`,
      `done`,
    );
  }
  return lines.join('\n');
}

interface DockerState {
  Status?: string;
  Running?: boolean;
  Restarting?: boolean;
  ExitCode?: number;
  StartedAt?: string;
  Health?: { Status?: string };
}

export async function containerRuntime(exec: Executor, name: string): Promise<RuntimeState> {
  const r = await exec.run({
    label: `state of ${name}`,
    argv: ['docker', 'container', 'inspect', '-f', '{{json .State}}|{{.RestartCount}}', name],
    privileged: true,
    quiet: true,
    allowFailure: true,
  });
  if (r.code !== 0) return { running: false, restarting: false, detail: `container ${name} not found` };
  const [json, count] = r.stdout.trim().split('|');
  const s = JSON.parse(json) as DockerState;
  const health = s.Health?.Status ? `, health ${s.Health.Status}` : '';
  return {
    running: !!s.Running && !s.Restarting,
    restarting: !!s.Restarting,
    exitCode: s.ExitCode,
    restartCount: Number(count) || 0,
    startedAt: s.StartedAt && !s.StartedAt.startsWith('0001') ? s.StartedAt : undefined,
    detail: `${s.Status ?? 'unknown'}${s.Running ? '' : ` (exit code ${s.ExitCode})`}${health}, restarts ${Number(count) || 0}`,
  };
}

/** stdout and stderr of the container, merged (New API logs to both). */
export function containerLogs(name: string, sinceUnix: number): RemoteCommand {
  return {
    label: `logs of ${name}`,
    script: `${shellJoin(['docker', 'logs', '--since', String(Math.floor(sinceUnix)), name])} 2>&1`,
    privileged: true,
    quiet: true,
  };
}

export function dockerVersionCommand(): RemoteCommand {
  return {
    label: 'docker is installed and its daemon answers',
    argv: ['docker', 'version', '--format', '{{.Server.Version}}'],
    privileged: true,
  };
}

/**
 * Turns `docker container inspect` of the running New API container, plus the config of the image it
 * was created from, into the `docker create` invocation that gives the NEW image the same container.
 *
 * Only what the user set is carried over. Inspect shows the container's effective config, which merges
 * the image's defaults (Env such as PATH, Entrypoint, Cmd, WorkingDir, Labels, User, ExposedPorts,
 * Healthcheck, StopSignal); a field equal to the OLD image's default belongs to the image and must come
 * from the NEW one — New API moved its binary from /one-api to /new-api and changed its base image, so
 * copying the old PATH or entrypoint would break the new container.
 * Pure: no I/O. The environment is returned as env-file text, never as argv.
 */
import { shellJoin } from '../ssh/quote.js';

export interface ImageConfig {
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  User?: string;
  ExposedPorts?: Record<string, unknown> | null;
  Healthcheck?: HealthConfig | null;
  StopSignal?: string;
  Volumes?: Record<string, unknown> | null;
}

export interface HealthConfig {
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: string;
  Config?: ImageConfig | null;
}

interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

interface MountPoint {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  Mode?: string;
  RW?: boolean;
  Propagation?: string;
}

interface HostMount {
  Type: string;
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean } | null;
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
  } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number } | null;
}

interface EndpointSettings {
  Aliases?: string[] | null;
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
  Links?: string[] | null;
  MacAddress?: string;
  DriverOpts?: Record<string, string> | null;
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  Image: string;
  Config: ImageConfig & {
    Hostname?: string;
    Domainname?: string;
    Image: string;
    Tty?: boolean;
    OpenStdin?: boolean;
    StopTimeout?: number;
    MacAddress?: string;
  };
  HostConfig: {
    Binds?: string[] | null;
    Mounts?: HostMount[] | null;
    PortBindings?: Record<string, PortBinding[] | null> | null;
    PublishAllPorts?: boolean;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
    AutoRemove?: boolean;
    NetworkMode?: string;
    LogConfig?: { Type?: string; Config?: Record<string, string> | null };
    ExtraHosts?: string[] | null;
    Dns?: string[] | null;
    DnsOptions?: string[] | null;
    DnsSearch?: string[] | null;
    CapAdd?: string[] | null;
    CapDrop?: string[] | null;
    Devices?: { PathOnHost: string; PathInContainer: string; CgroupPermissions?: string }[] | null;
    DeviceCgroupRules?: string[] | null;
    Tmpfs?: Record<string, string> | null;
    Sysctls?: Record<string, string> | null;
    Ulimits?: { Name: string; Soft: number; Hard: number }[] | null;
    Privileged?: boolean;
    ReadonlyRootfs?: boolean;
    Init?: boolean | null;
    SecurityOpt?: string[] | null;
    IpcMode?: string;
    PidMode?: string;
    UTSMode?: string;
    UsernsMode?: string;
    CgroupnsMode?: string;
    GroupAdd?: string[] | null;
    Links?: string[] | null;
    VolumesFrom?: string[] | null;
    Runtime?: string;
    CgroupParent?: string;
    ShmSize?: number;
    Memory?: number;
    MemoryReservation?: number;
    MemorySwap?: number;
    MemorySwappiness?: number | null;
    KernelMemory?: number;
    NanoCpus?: number;
    CpuShares?: number;
    CpuPeriod?: number;
    CpuQuota?: number;
    CpusetCpus?: string;
    CpusetMems?: string;
    PidsLimit?: number | null;
    BlkioWeight?: number;
    OomKillDisable?: boolean | null;
    OomScoreAdj?: number;
    OomKillDisableSet?: boolean;
  };
  Mounts?: MountPoint[] | null;
  NetworkSettings?: { Networks?: Record<string, EndpointSettings> | null } | null;
  State?: { Running?: boolean; Restarting?: boolean; Status?: string };
}

export interface RecreatePlan {
  /** Container name without the leading slash. */
  name: string;
  /** `docker create …` up to and including the image and command; `--env-file <envFilePath>` when env is non-empty. */
  createArgv: string[];
  /** Contents of the env file (KEY=VALUE lines), empty when the user set no environment. */
  envFile: string;
  /** `docker network connect …` for every network after the first. */
  connectArgvs: string[][];
  /** The restart policy to restore on the old container during a revert (`docker update --restart=…`). */
  restartPolicy: string;
}

export class RecreateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecreateError';
  }
}

const sameList = (a?: string[] | null, b?: string[] | null): boolean =>
  JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/** Env entries the user set: those not present with the same value in the old image. */
export function userEnv(container: string[] | null | undefined, image: string[] | null | undefined): string[] {
  const imageSet = new Set(image ?? []);
  return (container ?? []).filter((e) => !imageSet.has(e));
}

/** Docker's env-file format has no quoting: values are taken verbatim up to the end of the line. */
export function envFileText(env: string[]): string {
  for (const e of env) {
    const key = e.split('=', 1)[0];
    if (!/^[^\s=#][^\s=]*$/.test(key))
      throw new RecreateError(`environment variable name ${JSON.stringify(key)} cannot be passed through an env file`);
    if (/[\r\n\0]/.test(e))
      throw new RecreateError(`environment variable ${key} contains a line break; docker env files cannot carry it`);
  }
  return env.length ? `${env.join('\n')}\n` : '';
}

export function restartPolicyFlag(p?: { Name?: string; MaximumRetryCount?: number }): string {
  const name = p?.Name || 'no';
  return name === 'on-failure' && p?.MaximumRetryCount ? `on-failure:${p.MaximumRetryCount}` : name;
}

/** Go duration for docker's --health-* flags, from nanoseconds. */
function duration(ns: number): string {
  return ns % 1e9 === 0 ? `${ns / 1e9}s` : `${Math.round(ns / 1e6)}ms`;
}

function portFlags(bindings: Record<string, PortBinding[] | null> | null | undefined): string[] {
  const out: string[] = [];
  for (const [port, list] of Object.entries(bindings ?? {})) {
    const [num, proto = 'tcp'] = port.split('/');
    const containerPart = proto === 'tcp' ? num : `${num}/${proto}`;
    for (const b of list ?? [{}]) {
      const ip = b.HostIp ? (b.HostIp.includes(':') ? `[${b.HostIp}]` : b.HostIp) : '';
      const hostPort = b.HostPort ?? '';
      const spec = ip
        ? `${ip}:${hostPort}:${containerPart}`
        : hostPort
          ? `${hostPort}:${containerPart}`
          : containerPart;
      out.push('-p', spec);
    }
  }
  return out;
}

function mountFlag(m: HostMount): string {
  const parts = [`type=${m.Type}`];
  if (m.Source) parts.push(`source=${m.Source}`);
  parts.push(`target=${m.Target}`);
  if (m.ReadOnly) parts.push('readonly');
  if (m.Consistency && m.Consistency !== 'default') parts.push(`consistency=${m.Consistency}`);
  if (m.BindOptions?.Propagation) parts.push(`bind-propagation=${m.BindOptions.Propagation}`);
  if (m.BindOptions?.NonRecursive) parts.push('bind-nonrecursive=true');
  if (m.VolumeOptions?.NoCopy) parts.push('volume-nocopy');
  for (const [k, v] of Object.entries(m.VolumeOptions?.Labels ?? {})) parts.push(`volume-label=${k}=${v}`);
  if (m.VolumeOptions?.DriverConfig?.Name) parts.push(`volume-driver=${m.VolumeOptions.DriverConfig.Name}`);
  for (const [k, v] of Object.entries(m.VolumeOptions?.DriverConfig?.Options ?? {})) parts.push(`volume-opt=${k}=${v}`);
  if (m.TmpfsOptions?.SizeBytes) parts.push(`tmpfs-size=${m.TmpfsOptions.SizeBytes}`);
  if (m.TmpfsOptions?.Mode) parts.push(`tmpfs-mode=${m.TmpfsOptions.Mode.toString(8)}`);
  // The --mount syntax is CSV: a field holding a comma or quote must itself be quoted.
  return parts.map((p) => (/[",]/.test(p) ? `"${p.replace(/"/g, '""')}"` : p)).join(',');
}

/** Destination of a `-v` spec (`src:dst[:opts]`, or just `dst`). */
function bindDestination(bind: string): string {
  const parts = bind.split(':');
  if (parts.length === 1) return parts[0];
  // Windows-style drive letters do not occur on the Linux hosts this action manages.
  return parts[1];
}

/**
 * Volumes the container has that no -v/--mount names: anonymous volumes from an image VOLUME or a bare
 * `-v /path`. Their data would be orphaned by a plain recreate, so they are re-attached by name.
 */
function anonymousVolumeFlags(c: ContainerInspect): string[] {
  const named = new Set<string>([
    ...(c.HostConfig.Binds ?? []).map(bindDestination),
    ...(c.HostConfig.Mounts ?? []).map((m) => m.Target),
  ]);
  const out: string[] = [];
  for (const m of c.Mounts ?? []) {
    if (m.Type !== 'volume' || !m.Name || named.has(m.Destination)) continue;
    out.push('-v', `${m.Name}:${m.Destination}${m.RW === false ? ':ro' : ''}`);
  }
  return out;
}

/** Aliases docker adds by itself (the short container ID, the name) are not user settings. */
function userAliases(c: ContainerInspect, ep: EndpointSettings): string[] {
  const auto = new Set([c.Id.slice(0, 12), c.Name.replace(/^\//, '')]);
  return (ep.Aliases ?? []).filter((a) => !auto.has(a));
}

function endpointFlags(c: ContainerInspect, ep: EndpointSettings): string[] {
  const out: string[] = [];
  for (const a of userAliases(c, ep)) out.push('--alias', a);
  if (ep.IPAMConfig?.IPv4Address) out.push('--ip', ep.IPAMConfig.IPv4Address);
  if (ep.IPAMConfig?.IPv6Address) out.push('--ip6', ep.IPAMConfig.IPv6Address);
  for (const ip of ep.IPAMConfig?.LinkLocalIPs ?? []) out.push('--link-local-ip', ip);
  for (const l of ep.Links ?? []) out.push('--link', l);
  return out;
}

const DEFAULT_NETWORK_MODES = new Set(['', 'default', 'bridge']);
const DEFAULT_SHM = 64 * 1024 * 1024;

/**
 * Plans the recreation of `c` (created from `oldImage`) on `newImage`.
 * `envFilePath` is where the caller writes `envFile` on the host before `docker create` runs.
 */
export function planRecreate(
  c: ContainerInspect,
  oldImage: ImageConfig,
  newImage: string,
  envFilePath: string,
): RecreatePlan {
  const h = c.HostConfig;
  const cfg = c.Config;
  const name = c.Name.replace(/^\//, '');
  if (h.AutoRemove) {
    throw new RecreateError(
      `container ${name} was started with --rm: stopping it would delete it, so it cannot be kept for a rollback; recreate it without --rm first`,
    );
  }
  const a: string[] = ['docker', 'create', '--name', name];
  const flag = (f: string, v: string | number | undefined | null): void => {
    if (v !== undefined && v !== null && v !== '') a.push(f, String(v));
  };
  const each = (f: string, vs: string[] | null | undefined): void => {
    for (const v of vs ?? []) a.push(f, v);
  };

  const env = userEnv(cfg.Env, oldImage.Env);
  const envFile = envFileText(env);
  if (envFile) a.push('--env-file', envFilePath);

  // Process: entrypoint, user, working dir, command — only where they differ from the old image.
  const entrypointSet = !sameList(cfg.Entrypoint, oldImage.Entrypoint);
  if (entrypointSet) {
    const ep = cfg.Entrypoint ?? [];
    // --entrypoint takes one word; more words are passed as the leading arguments of the command.
    a.push('--entrypoint', ep[0] ?? '');
  }
  if ((cfg.User ?? '') !== (oldImage.User ?? '')) a.push('--user', cfg.User ?? '');
  if ((cfg.WorkingDir ?? '') !== (oldImage.WorkingDir ?? '')) flag('--workdir', cfg.WorkingDir);
  // Docker names a container's host after its short ID unless told otherwise; in a shared network
  // namespace the hostname is the other side's and cannot be set.
  if (cfg.Hostname && !isSharedNamespace(h.NetworkMode) && cfg.Hostname !== c.Id.slice(0, 12))
    flag('--hostname', cfg.Hostname);
  flag('--domainname', cfg.Domainname);
  if (cfg.Tty) a.push('--tty');
  if (cfg.OpenStdin) a.push('--interactive');

  const imageLabels = oldImage.Labels ?? {};
  for (const [k, v] of Object.entries(cfg.Labels ?? {})) {
    if (imageLabels[k] !== v) a.push('--label', `${k}=${v}`);
  }
  const published = new Set(Object.keys(h.PortBindings ?? {}));
  const imagePorts = new Set(Object.keys(oldImage.ExposedPorts ?? {}));
  for (const p of Object.keys(cfg.ExposedPorts ?? {})) {
    if (!imagePorts.has(p) && !published.has(p)) a.push('--expose', p);
  }
  if (JSON.stringify(cfg.Healthcheck ?? null) !== JSON.stringify(oldImage.Healthcheck ?? null)) {
    a.push(...healthFlags(cfg.Healthcheck));
  }
  if ((cfg.StopSignal ?? '') !== (oldImage.StopSignal ?? '')) flag('--stop-signal', cfg.StopSignal);
  if (cfg.StopTimeout !== undefined && cfg.StopTimeout !== null) flag('--stop-timeout', cfg.StopTimeout);

  // Storage.
  each('-v', h.Binds);
  for (const m of h.Mounts ?? []) a.push('--mount', mountFlag(m));
  a.push(...anonymousVolumeFlags(c));
  each('--volumes-from', h.VolumesFrom);
  for (const [path, opts] of Object.entries(h.Tmpfs ?? {})) a.push('--tmpfs', opts ? `${path}:${opts}` : path);

  // Ports and restart.
  a.push(...portFlags(h.PortBindings));
  if (h.PublishAllPorts) a.push('--publish-all');
  const restartPolicy = restartPolicyFlag(h.RestartPolicy);
  if (restartPolicy !== 'no') a.push('--restart', restartPolicy);

  // Networks: the primary one at create time (with its aliases), the others connected afterwards.
  const networks = Object.entries(c.NetworkSettings?.Networks ?? {});
  const mode = h.NetworkMode ?? 'default';
  const connectArgvs: string[][] = [];
  if (isSharedNamespace(mode) || mode === 'none') {
    a.push('--network', mode);
  } else {
    const primaryName = DEFAULT_NETWORK_MODES.has(mode) ? (networks.find(([n]) => n === 'bridge')?.[0] ?? mode) : mode;
    const primary = networks.find(([n]) => n === primaryName);
    if (!DEFAULT_NETWORK_MODES.has(mode)) a.push('--network', mode);
    if (primary) {
      const ep = primary[1];
      for (const al of userAliases(c, ep)) a.push('--network-alias', al);
      flag('--ip', ep.IPAMConfig?.IPv4Address);
      flag('--ip6', ep.IPAMConfig?.IPv6Address);
      each('--link-local-ip', ep.IPAMConfig?.LinkLocalIPs);
    }
    for (const [net, ep] of networks) {
      if (net === primaryName) continue;
      connectArgvs.push(['docker', 'network', 'connect', ...endpointFlags(c, ep), net, name]);
    }
  }
  each('--link', (h.Links ?? []).map(legacyLink));
  each('--add-host', h.ExtraHosts);
  each('--dns', h.Dns);
  each('--dns-option', h.DnsOptions);
  each('--dns-search', h.DnsSearch);
  if (cfg.MacAddress) flag('--mac-address', cfg.MacAddress);

  // Namespaces, privileges, security.
  if (h.IpcMode && h.IpcMode !== 'private' && h.IpcMode !== 'shareable') flag('--ipc', h.IpcMode);
  flag('--pid', h.PidMode);
  flag('--uts', h.UTSMode);
  flag('--userns', h.UsernsMode);
  each('--group-add', h.GroupAdd);
  each('--cap-add', h.CapAdd);
  each('--cap-drop', h.CapDrop);
  each('--security-opt', h.SecurityOpt);
  if (h.Privileged) a.push('--privileged');
  if (h.ReadonlyRootfs) a.push('--read-only');
  if (h.Init) a.push('--init');
  for (const d of h.Devices ?? []) {
    a.push(
      '--device',
      `${d.PathOnHost}:${d.PathInContainer}${d.CgroupPermissions && d.CgroupPermissions !== 'rwm' ? `:${d.CgroupPermissions}` : ''}`,
    );
  }
  each('--device-cgroup-rule', h.DeviceCgroupRules);
  for (const [k, v] of Object.entries(h.Sysctls ?? {})) a.push('--sysctl', `${k}=${v}`);
  for (const u of h.Ulimits ?? []) a.push('--ulimit', `${u.Name}=${u.Soft}:${u.Hard}`);
  if (h.Runtime && h.Runtime !== 'runc') flag('--runtime', h.Runtime);
  flag('--cgroup-parent', h.CgroupParent);

  // Resource limits (0 means unset in the API).
  if (h.Memory) flag('--memory', h.Memory);
  if (h.MemoryReservation) flag('--memory-reservation', h.MemoryReservation);
  if (h.MemorySwap) flag('--memory-swap', h.MemorySwap);
  if (h.MemorySwappiness !== undefined && h.MemorySwappiness !== null && h.MemorySwappiness >= 0) {
    flag('--memory-swappiness', h.MemorySwappiness);
  }
  if (h.NanoCpus) flag('--cpus', h.NanoCpus / 1e9);
  if (h.CpuShares) flag('--cpu-shares', h.CpuShares);
  if (h.CpuPeriod) flag('--cpu-period', h.CpuPeriod);
  if (h.CpuQuota) flag('--cpu-quota', h.CpuQuota);
  flag('--cpuset-cpus', h.CpusetCpus);
  flag('--cpuset-mems', h.CpusetMems);
  if (h.PidsLimit && h.PidsLimit > 0) flag('--pids-limit', h.PidsLimit);
  if (h.BlkioWeight) flag('--blkio-weight', h.BlkioWeight);
  if (h.OomKillDisable) a.push('--oom-kill-disable');
  if (h.OomScoreAdj) flag('--oom-score-adj', h.OomScoreAdj);
  if (h.ShmSize && h.ShmSize !== DEFAULT_SHM) flag('--shm-size', h.ShmSize);

  // Logging: json-file without options is docker's default and is left to the daemon.
  const log = h.LogConfig;
  if (log?.Type && (log.Type !== 'json-file' || Object.keys(log.Config ?? {}).length > 0)) {
    a.push('--log-driver', log.Type);
    for (const [k, v] of Object.entries(log.Config ?? {})) a.push('--log-opt', `${k}=${v}`);
  }

  a.push(newImage);
  // The command is the user's when it differs from the old image's, or when the entrypoint was
  // replaced (docker then drops the image's Cmd, so the container's Cmd is whatever the user gave).
  const entrypointRest = entrypointSet ? (cfg.Entrypoint ?? []).slice(1) : [];
  if (entrypointSet || !sameList(cfg.Cmd, oldImage.Cmd)) a.push(...entrypointRest, ...(cfg.Cmd ?? []));

  return { name, createArgv: a, envFile, connectArgvs, restartPolicy };
}

function isSharedNamespace(mode: string | undefined): boolean {
  return mode === 'host' || (mode ?? '').startsWith('container:');
}

/** HostConfig.Links holds `/target:/self/alias`; the flag wants `target:alias`. */
function legacyLink(l: string): string {
  const [target, alias] = l.split(':');
  return `${target.replace(/^\//, '')}:${alias.split('/').pop()}`;
}

function healthFlags(hc: HealthConfig | null | undefined): string[] {
  const test = hc?.Test ?? [];
  if (test.length === 0) return [];
  if (test[0] === 'NONE') return ['--no-healthcheck'];
  const out: string[] = [];
  if (test[0] === 'CMD-SHELL') out.push('--health-cmd', test.slice(1).join(' '));
  // The CLI only takes a shell command; an exec-form test becomes its quoted shell equivalent.
  else if (test[0] === 'CMD') out.push('--health-cmd', shellJoin(test.slice(1)));
  if (hc?.Interval) out.push('--health-interval', duration(hc.Interval));
  if (hc?.Timeout) out.push('--health-timeout', duration(hc.Timeout));
  if (hc?.StartPeriod) out.push('--health-start-period', duration(hc.StartPeriod));
  if (hc?.StartInterval) out.push('--health-start-interval', duration(hc.StartInterval));
  if (hc?.Retries) out.push('--health-retries', String(hc.Retries));
  return out;
}

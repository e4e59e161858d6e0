/**
 * The docker method on the real test bed (sshd + dockerd + registry): a container set up with many
 * user settings is updated v0.9.1 → v0.9.2 (binary /one-api → /new-api, other image defaults) and
 * v0.10.1 → v0.10.2, compared field by field with inspect, rolled back to the exact old container,
 * finalized; a missing tag, a failed pull and an unwritable backup change nothing.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { backupPorts } from '../../src/methods/backup-runner.js';
import { DockerMethod, envFilePath, keptName } from '../../src/methods/docker.js';
import { instanceDir } from '../../src/rollout/hoststep.js';
import type { NodeState, UpdateTarget } from '../../src/methods/types.js';
import type { HostSpec } from '../../src/settings.js';
import type { SshExecutor } from '../../src/ssh/connection.js';
import { RemoteCommandError } from '../../src/ssh/types.js';
import {
  backupSettings,
  bedConnect,
  bedHost,
  bedState,
  inspectOf,
  runAll,
  runBody,
  sh,
  waitVersion,
  type BedState,
} from './support/methods-bed.js';

jest.setTimeout(240_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- docker inspect JSON, read field by field
type Json = Record<string, any>;

const NAME = 'nau-mt-docker';
const PORT = 3141;
const DATA = `/srv/${NAME}/data`;
const SECRET = 'mt-session-secret-0123456789';

let bed: BedState;
let host: HostSpec;
let exec: SshExecutor;
let method: DockerMethod;

const target = (tag: string): UpdateTarget => ({ tag, imageRef: `${bed.image}:${tag}` });

async function cleanup(): Promise<void> {
  await sh(
    exec,
    [
      `for c in $(docker ps -a --format '{{.Names}}' | grep '^${NAME}'); do docker rm -f "$c" >/dev/null; done`,
      `docker network rm ${NAME}-a ${NAME}-b >/dev/null 2>&1 || true`,
      `docker volume rm ${NAME}-logs >/dev/null 2>&1 || true`,
      `umount /var/backups/${NAME}-tiny 2>/dev/null || true`,
      `rm -rf /srv/${NAME} /var/backups/${NAME}* ${instanceDir(host)}`,
    ].join('\n'),
  );
}

/** A container with many user settings, as an operator might have made it. */
async function runOld(tag: string): Promise<void> {
  await cleanup();
  await sh(
    exec,
    [
      `docker pull -q ${bed.image}:${tag} >/dev/null`,
      `mkdir -p ${DATA}`,
      `docker network create ${NAME}-a >/dev/null && docker network create ${NAME}-b >/dev/null`,
      [
        `docker run -d --name ${NAME} --restart always -p 127.0.0.1:${PORT}:3000`,
        `-e TZ=Asia/Shanghai -e SESSION_SECRET=${SECRET} -e 'ODD=a value with spaces # and $dollar'`,
        `-v ${DATA}:/data -v ${NAME}-logs:/app/logs`,
        `--network ${NAME}-a --network-alias api --label com.example.owner=ops`,
        `--log-opt max-size=10m --add-host db.local:10.0.0.5 --memory 256m --cpus 0.5 --pids-limit 200`,
        `--cap-drop MKNOD --ulimit nofile=4096:8192 --stop-timeout 20 --hostname newapi-node`,
        `${bed.image}:${tag} --log-dir /app/logs >/dev/null`,
      ].join(' '),
      `docker network connect --alias gateway ${NAME}-b ${NAME}`,
    ].join('\n'),
  );
  await waitVersion(exec, PORT, tag);
  // A row written while the old version runs must still be there after the update.
  await sh(
    exec,
    `sqlite3 ${DATA}/one-api.db '.timeout 5000' "create table if not exists nau_marker(v text); insert into nau_marker values ('before-${tag}');"`,
  );
}

/** The fields a user sets, with the image's own defaults taken out. */
function userView(c: Json, imageConfig: Json): Record<string, unknown> {
  const imageEnv = new Set<string>(imageConfig.Env ?? []);
  const imageLabels = imageConfig.Labels ?? {};
  const nets = c.NetworkSettings.Networks as Record<string, { Aliases: string[] | null }>;
  return {
    Name: c.Name,
    Env: (c.Config.Env as string[]).filter((e) => !imageEnv.has(e)).sort(),
    Cmd: c.Config.Cmd,
    Hostname: c.Config.Hostname,
    Labels: Object.fromEntries(Object.entries(c.Config.Labels ?? {}).filter(([k, v]) => imageLabels[k] !== v)),
    StopTimeout: c.Config.StopTimeout,
    // The daemon keeps binds in a map: their order in inspect varies between identical containers.
    Binds: [...(c.HostConfig.Binds ?? [])].sort(),
    PortBindings: c.HostConfig.PortBindings,
    RestartPolicy: c.HostConfig.RestartPolicy,
    NetworkMode: c.HostConfig.NetworkMode,
    Networks: Object.fromEntries(
      Object.entries(nets).map(([n, ep]) => [
        n,
        (ep.Aliases ?? []).filter((a) => a !== c.Id.slice(0, 12) && a !== c.Name.slice(1)).sort(),
      ]),
    ),
    LogConfig: c.HostConfig.LogConfig,
    ExtraHosts: c.HostConfig.ExtraHosts,
    Memory: c.HostConfig.Memory,
    NanoCpus: c.HostConfig.NanoCpus,
    PidsLimit: c.HostConfig.PidsLimit,
    CapDrop: c.HostConfig.CapDrop,
    Ulimits: c.HostConfig.Ulimits,
    Mounts: (c.Mounts as { Source: string; Destination: string; Type: string }[])
      .map((m) => `${m.Type}:${m.Source}:${m.Destination}`)
      .sort(),
  };
}

async function inspectContainer(ref: string): Promise<Json> {
  return inspectOf(await sh(exec, `docker container inspect ${ref}`));
}
async function imageConfig(ref: string): Promise<Json> {
  return inspectOf(await sh(exec, `docker image inspect ${ref}`)).Config;
}

beforeAll(async () => {
  bed = bedState();
  host = bedHost(bed, 'slave-2', { method: 'docker', container: NAME, url: `http://127.0.0.1:${PORT}` });
  exec = await bedConnect(bed, host);
  method = new DockerMethod(host);
});

afterAll(async () => {
  if (exec) {
    await cleanup();
    await exec.close();
  }
});

describe('docker: v0.9.1 → v0.9.2 (binary and PATH changed)', () => {
  let state: NodeState;
  let before: Json;

  it('inspects the container: env, sqlite on the host, image id and digest, version', async () => {
    await runOld('v0.9.1');
    state = await method.inspect(exec);
    before = inspectOf(state.inspectJson!);
    expect(state.deployedVersion).toBe('v0.9.1');
    expect(state.database).toBe('sqlite');
    expect(state.sqliteHostPath).toBe(`${DATA}/one-api.db`);
    expect(state.image!.id).toBe(before.Image);
    expect(state.image!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(state.env.SESSION_SECRET).toBe(SECRET);
    expect(state.secrets).toContain(SECRET);
    expect(state.leftovers).toEqual([]);
  });

  it('preflight passes for an existing tag and fails for a missing one', async () => {
    await runAll(exec, method.preflight(state, target('v0.9.2')));
    await expect(runAll(exec, method.preflight(state, target('v9.9.9')))).rejects.toThrow(
      /does not exist in its registry/,
    );
  });

  it('a failed pull changes nothing', async () => {
    await expect(
      runAll(exec, method.prepare(state, { tag: 'v9.9.9', imageRef: `${bed.registry}/calciumion/nope:v9.9.9` })),
    ).rejects.toThrow(RemoteCommandError);
    const now = await inspectContainer(NAME);
    expect(now.Id).toBe(before.Id);
    expect(now.State.Running).toBe(true);
  });

  it('a backup that cannot be written aborts before the stop', async () => {
    const tiny = `/var/backups/${NAME}-tiny`;
    await sh(exec, `mkdir -p ${tiny} && mount -t tmpfs -o size=64k tmpfs ${tiny}`);
    await expect(backupPorts().backup(exec, state, backupSettings(tiny, 'v0.9.2'), { database: true })).rejects.toThrow(
      /not enough free space/,
    );
    await sh(exec, `mount -o remount,ro ${tiny}`);
    await expect(
      backupPorts().backup(exec, state, backupSettings(`${tiny}/sub`, 'v0.9.2'), { database: true }),
    ).rejects.toThrow(/backup/);
    await sh(exec, `umount ${tiny}`);
    expect((await inspectContainer(NAME)).Id).toBe(before.Id);
    expect(state.backupWhileStopped).toBeUndefined();
  });

  it('backs up the database online and the inspect JSON, verified', async () => {
    const records = await backupPorts().backup(exec, state, backupSettings(`/var/backups/${NAME}`, 'v0.9.2'), {
      database: true,
    });
    const db = records.find((r) => r.kind === 'database')!;
    expect(db.path).toMatch(
      new RegExp(`^/var/backups/${NAME}/docker_${NAME}-[0-9a-f]{8}/\\d{8}T\\d{6}Z-v0\\.9\\.1/database/one-api\\.db$`),
    );
    expect(db.bytes).toBeGreaterThan(0);
    expect((await sh(exec, `sha256sum ${db.path}`)).split(' ')[0]).toBe(db.sha256);
    expect(await sh(exec, `sqlite3 ${db.path} 'select v from nau_marker'`)).toContain('before-v0.9.1');
    expect(records.some((r) => r.path.endsWith('config/container-inspect.json'))).toBe(true);
    expect(await sh(exec, `cat $(dirname $(dirname ${db.path}))/manifest.json`)).not.toContain(SECRET);
  });

  it('prepare pulls while the old one serves and writes the env file 0600', async () => {
    await runAll(exec, method.prepare(state, target('v0.9.2')));
    expect((await sh(exec, `stat -c %a ${envFilePath(host)}`)).trim()).toBe('600');
    expect((await inspectContainer(NAME)).Id).toBe(before.Id);
  });

  it('apply: the new container has every user setting and the new image’s defaults', async () => {
    const scripts = method.swap(state, target('v0.9.2'));
    expect(scripts.apply).not.toContain(SECRET);
    const r = await runBody(exec, 'apply', scripts.apply);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const status = await waitVersion(exec, PORT, 'v0.9.2');
    expect(status.setup).toBe(true);

    const after = await inspectContainer(NAME);
    const newImage = await imageConfig(`${bed.image}:v0.9.2`);
    expect(after.Id).not.toBe(before.Id);
    expect(userView(after, newImage)).toEqual(userView(before, state.imageConfig!));
    // The image's defaults come from the new image: binary, PATH, version label.
    expect(after.Config.Entrypoint).toEqual(['/new-api']);
    expect(after.Config.Env).toContain(newImage.Env.find((e: string) => e.startsWith('PATH=')));
    expect(after.Config.Labels['org.opencontainers.image.version']).toBe('v0.9.2');
    // The env file held secrets: gone once the container exists.
    await expect(sh(exec, `test -e ${envFilePath(host)}`)).rejects.toThrow();

    const kept = await inspectContainer(keptName(state));
    expect(kept.Id).toBe(before.Id);
    expect(kept.HostConfig.RestartPolicy.Name).toBe('no');
    expect(kept.State.Running).toBe(false);
    expect(await sh(exec, `sqlite3 ${DATA}/one-api.db '.timeout 5000' 'select v from nau_marker'`)).toContain(
      'before-v0.9.1',
    );
  });

  it('revert brings back the exact old container: same ID, image, config, restart policy', async () => {
    const scripts = method.swap(state, target('v0.9.2'));
    const r = await runBody(exec, 'revert', scripts.revert);
    expect(r.code).toBe(0);
    await waitVersion(exec, PORT, 'v0.9.1');
    const back = await inspectContainer(NAME);
    expect(back.Id).toBe(before.Id);
    expect(back.Image).toBe(state.image!.id);
    expect(back.Config).toEqual(before.Config);
    expect(back.HostConfig).toEqual(before.HostConfig);
    expect(back.State.Running).toBe(true);
    await expect(inspectContainer(keptName(state))).rejects.toThrow();
    // Idempotent: a second revert changes nothing.
    expect((await runBody(exec, 'revert again', scripts.revert)).code).toBe(0);
    expect((await inspectContainer(NAME)).Id).toBe(before.Id);
  });

  it('revert after a partial apply (old one stopped, not renamed) puts it back', async () => {
    const scripts = method.swap(state, target('v0.9.2'));
    await sh(exec, `docker update --restart=no ${NAME} >/dev/null && docker stop -t 5 ${NAME} >/dev/null`);
    expect((await runBody(exec, 'revert', scripts.revert)).code).toBe(0);
    await waitVersion(exec, PORT, 'v0.9.1');
    const back = await inspectContainer(NAME);
    expect(back.Id).toBe(before.Id);
    expect(back.HostConfig.RestartPolicy).toEqual(before.HostConfig.RestartPolicy);
  });
});

describe('docker: v0.10.1 → v0.10.2, finalize', () => {
  it('updates, then finalize removes the old container and keeps the previous image', async () => {
    await runOld('v0.10.1');
    const state = await method.inspect(exec);
    const before = inspectOf(state.inspectJson!);
    await runAll(exec, method.preflight(state, target('v0.10.2')));
    await runAll(exec, method.prepare(state, target('v0.10.2')));
    const scripts = method.swap(state, target('v0.10.2'));
    expect((await runBody(exec, 'apply', scripts.apply)).code).toBe(0);
    await waitVersion(exec, PORT, 'v0.10.2');
    const after = await inspectContainer(NAME);
    expect(userView(after, await imageConfig(`${bed.image}:v0.10.2`))).toEqual(userView(before, state.imageConfig!));

    const f = await runBody(exec, 'finalize', scripts.finalize);
    expect(f.code).toBe(0);
    await expect(inspectContainer(keptName(state))).rejects.toThrow();
    expect((await inspectContainer(NAME)).Id).toBe(after.Id);
    // Current and previous images stay (the previous one is what `version: previous` goes back to).
    await sh(exec, `docker image inspect ${state.image!.id} ${after.Image} >/dev/null`);
    expect(await sh(exec, `sqlite3 ${DATA}/one-api.db '.timeout 5000' 'select v from nau_marker'`)).toContain(
      'before-v0.10.1',
    );
  });
});

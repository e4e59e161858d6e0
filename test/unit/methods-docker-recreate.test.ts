import { describe, expect, it } from '@jest/globals';
import {
  envFileText,
  planRecreate,
  userEnv,
  type ContainerInspect,
  type ImageConfig,
} from '../../src/methods/docker-recreate.js';

// Shapes as `docker image inspect` / `docker container inspect` (API 1.41, docker 20.10) print them.
const ALPINE_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const oldImage: ImageConfig = {
  Env: [ALPINE_PATH],
  Entrypoint: ['/one-api'],
  Cmd: null,
  WorkingDir: '/data',
  Labels: { maintainer: 'calcium-ion' },
  User: '',
  ExposedPorts: { '3000/tcp': {} },
  Healthcheck: null,
  Volumes: null,
};
const ID = '4f1d2c3b5a69e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3';

/** The guide's `docker run --name new-api -d --restart always -p 3000:3000 -e TZ=… -v /srv/new-api/data:/data <image> --log-dir /app/logs`. */
function guideContainer(
  over: Partial<ContainerInspect['HostConfig']> = {},
  cfg: Partial<ContainerInspect['Config']> = {},
): ContainerInspect {
  return {
    Id: ID,
    Name: '/new-api',
    Image: 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
    Config: {
      Hostname: ID.slice(0, 12),
      Domainname: '',
      User: '',
      Tty: false,
      OpenStdin: false,
      Env: ['TZ=Asia/Shanghai', ALPINE_PATH],
      Cmd: ['--log-dir', '/app/logs'],
      Image: '10.77.0.1:5000/calciumion/new-api:v0.9.1',
      Volumes: null,
      WorkingDir: '/data',
      Entrypoint: ['/one-api'],
      Labels: { maintainer: 'calcium-ion' },
      ExposedPorts: { '3000/tcp': {} },
      ...cfg,
    },
    HostConfig: {
      Binds: ['/srv/new-api/data:/data'],
      LogConfig: { Type: 'json-file', Config: {} },
      NetworkMode: 'default',
      PortBindings: { '3000/tcp': [{ HostIp: '', HostPort: '3000' }] },
      RestartPolicy: { Name: 'always', MaximumRetryCount: 0 },
      AutoRemove: false,
      CapAdd: null,
      CapDrop: null,
      Dns: [],
      DnsOptions: [],
      DnsSearch: [],
      ExtraHosts: null,
      IpcMode: 'private',
      Privileged: false,
      ReadonlyRootfs: false,
      SecurityOpt: null,
      ShmSize: 67108864,
      Memory: 0,
      NanoCpus: 0,
      PidsLimit: null,
      Devices: [],
      Ulimits: null,
      MemorySwappiness: null,
      OomKillDisable: false,
      Init: null,
      Mounts: undefined,
      ...over,
    },
    Mounts: [
      { Type: 'bind', Source: '/srv/new-api/data', Destination: '/data', Mode: '', RW: true, Propagation: 'rprivate' },
    ],
    NetworkSettings: {
      Networks: { bridge: { Aliases: null, IPAMConfig: null, Links: null, MacAddress: '02:42:ac:11:00:02' } },
    },
  };
}

const NEW = '10.77.0.1:5000/calciumion/new-api:v0.9.2';
const ENV_FILE = '/var/lib/new-api-update/docker-new-api/new-container.env';

describe('planRecreate: the guide container', () => {
  const plan = planRecreate(guideContainer(), oldImage, NEW, ENV_FILE);

  it('recreates with the same name, binds, ports, restart policy and command on the new image', () => {
    expect(plan.createArgv).toEqual([
      'docker',
      'create',
      '--name',
      'new-api',
      '--env-file',
      ENV_FILE,
      '-v',
      '/srv/new-api/data:/data',
      '-p',
      '3000:3000',
      '--restart',
      'always',
      NEW,
      '--log-dir',
      '/app/logs',
    ]);
  });

  it('leaves PATH, entrypoint, working dir and labels to the new image (the binary moved to /new-api)', () => {
    expect(plan.envFile).toBe('TZ=Asia/Shanghai\n');
    expect(plan.createArgv).not.toContain('--entrypoint');
    expect(plan.createArgv).not.toContain('--workdir');
    expect(plan.createArgv).not.toContain('--label');
    expect(plan.createArgv.join(' ')).not.toContain('PATH');
  });

  it('never puts the environment on the command line', () => {
    expect(plan.createArgv.join(' ')).not.toContain('Asia/Shanghai');
  });

  it('does not pin the short-ID hostname, the default log driver, shm size or ipc mode', () => {
    for (const f of ['--hostname', '--log-driver', '--shm-size', '--ipc', '--network'])
      expect(plan.createArgv).not.toContain(f);
    expect(plan.restartPolicy).toBe('always');
    expect(plan.connectArgvs).toEqual([]);
  });
});

describe('planRecreate: every user setting is carried over', () => {
  const c = guideContainer(
    {
      Binds: ['newapi-logs:/app/logs:rw', '/etc/localtime:/etc/localtime:ro'],
      Mounts: [{ Type: 'bind', Source: '/srv/cfg, with comma', Target: '/cfg', ReadOnly: true }],
      PortBindings: {
        '3000/tcp': [
          { HostIp: '127.0.0.1', HostPort: '3000' },
          { HostIp: '::1', HostPort: '3000' },
        ],
        '9000/udp': [{ HostIp: '', HostPort: '' }],
      },
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 },
      NetworkMode: 'backend',
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      ExtraHosts: ['redis.local:10.0.0.5'],
      Dns: ['1.1.1.1'],
      DnsSearch: ['corp.example'],
      CapAdd: ['NET_ADMIN'],
      CapDrop: ['MKNOD'],
      Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
      Tmpfs: { '/tmp': 'rw,size=64m' },
      Sysctls: { 'net.core.somaxconn': '1024' },
      Ulimits: [{ Name: 'nofile', Soft: 65535, Hard: 65535 }],
      Privileged: true,
      ReadonlyRootfs: true,
      Init: true,
      SecurityOpt: ['no-new-privileges:true'],
      Memory: 536870912,
      NanoCpus: 1500000000,
      PidsLimit: 200,
      PidMode: 'host',
    },
    {
      Hostname: 'newapi-master',
      User: '1000:1000',
      WorkingDir: '/srv/app',
      Entrypoint: ['/usr/bin/tini', '--', '/one-api'],
      Cmd: ['--port', '3000'],
      Env: ['TZ=Asia/Shanghai', 'PATH=/opt/bin:/usr/bin:/bin', 'SQL_DSN=root:p@ss=w0rd@tcp(db:3306)/newapi', 'EMPTY='],
      Labels: { maintainer: 'calcium-ion', 'com.example.owner': 'ops', createdBy: 'Apps' },
      ExposedPorts: { '3000/tcp': {}, '9000/udp': {}, '8080/tcp': {} },
      Healthcheck: {
        Test: ['CMD-SHELL', 'wget -q -O - http://localhost:3000/api/status | grep -q success'],
        Interval: 30e9,
        Timeout: 5e9,
        Retries: 3,
        StartPeriod: 1.5e9,
      },
      StopSignal: 'SIGINT',
      StopTimeout: 130,
    },
  );
  c.Mounts = [
    {
      Type: 'volume',
      Name: 'newapi-logs',
      Source: '/var/lib/docker/volumes/newapi-logs/_data',
      Destination: '/app/logs',
      RW: true,
    },
    {
      Type: 'volume',
      Name: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2',
      Source: '/var/lib/docker/volumes/a1b2/_data',
      Destination: '/data',
      RW: true,
    },
  ];
  c.NetworkSettings = {
    Networks: {
      backend: { Aliases: [ID.slice(0, 12), 'new-api', 'api'], IPAMConfig: { IPv4Address: '172.30.0.10' } },
      frontend: { Aliases: [ID.slice(0, 12), 'gateway'], IPAMConfig: null },
    },
  };
  const plan = planRecreate(c, oldImage, NEW, ENV_FILE);
  const argv = plan.createArgv;
  const pairs = (flag: string): string[] => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : []));

  it('keeps user env (including a changed PATH and empty values) in the env file only', () => {
    expect(plan.envFile).toBe(
      'TZ=Asia/Shanghai\nPATH=/opt/bin:/usr/bin:/bin\nSQL_DSN=root:p@ss=w0rd@tcp(db:3306)/newapi\nEMPTY=\n',
    );
    expect(argv.join(' ')).not.toContain('p@ss');
  });

  it('keeps a user entrypoint: first word as --entrypoint, the rest before the command', () => {
    expect(pairs('--entrypoint')).toEqual(['/usr/bin/tini']);
    expect(argv.slice(argv.indexOf(NEW) + 1)).toEqual(['--', '/one-api', '--port', '3000']);
  });

  it('keeps user, working dir, hostname, labels that are not the image’s', () => {
    expect(pairs('--user')).toEqual(['1000:1000']);
    expect(pairs('--workdir')).toEqual(['/srv/app']);
    expect(pairs('--hostname')).toEqual(['newapi-master']);
    expect(pairs('--label').sort()).toEqual(['com.example.owner=ops', 'createdBy=Apps']);
  });

  it('keeps volumes (named, --mount with CSV quoting, anonymous by name) and tmpfs', () => {
    expect(pairs('-v')).toEqual([
      'newapi-logs:/app/logs:rw',
      '/etc/localtime:/etc/localtime:ro',
      'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2:/data',
    ]);
    expect(pairs('--mount')).toEqual(['type=bind,"source=/srv/cfg, with comma",target=/cfg,readonly']);
    expect(pairs('--tmpfs')).toEqual(['/tmp:rw,size=64m']);
  });

  it('keeps port bindings with host IPs (IPv6 bracketed), random host ports and extra exposed ports', () => {
    expect(pairs('-p')).toEqual(['127.0.0.1:3000:3000', '[::1]:3000:3000', '9000/udp']);
    expect(pairs('--expose')).toEqual(['8080/tcp']);
  });

  it('keeps restart policy with its retry count', () => {
    expect(pairs('--restart')).toEqual(['on-failure:5']);
    expect(plan.restartPolicy).toBe('on-failure:5');
  });

  it('attaches the primary network with its user aliases and IP, and connects the others afterwards', () => {
    expect(pairs('--network')).toEqual(['backend']);
    expect(pairs('--network-alias')).toEqual(['api']);
    expect(pairs('--ip')).toEqual(['172.30.0.10']);
    expect(plan.connectArgvs).toEqual([['docker', 'network', 'connect', '--alias', 'gateway', 'frontend', 'new-api']]);
  });

  it('keeps logging, hosts, DNS, capabilities, devices, sysctls, ulimits, security and limits', () => {
    expect(pairs('--log-driver')).toEqual(['json-file']);
    expect(pairs('--log-opt').sort()).toEqual(['max-file=3', 'max-size=10m']);
    expect(pairs('--add-host')).toEqual(['redis.local:10.0.0.5']);
    expect(pairs('--dns')).toEqual(['1.1.1.1']);
    expect(pairs('--dns-search')).toEqual(['corp.example']);
    expect(pairs('--cap-add')).toEqual(['NET_ADMIN']);
    expect(pairs('--cap-drop')).toEqual(['MKNOD']);
    expect(pairs('--device')).toEqual(['/dev/fuse:/dev/fuse']);
    expect(pairs('--sysctl')).toEqual(['net.core.somaxconn=1024']);
    expect(pairs('--ulimit')).toEqual(['nofile=65535:65535']);
    expect(pairs('--security-opt')).toEqual(['no-new-privileges:true']);
    for (const f of ['--privileged', '--read-only', '--init']) expect(argv).toContain(f);
    expect(pairs('--memory')).toEqual(['536870912']);
    expect(pairs('--cpus')).toEqual(['1.5']);
    expect(pairs('--pids-limit')).toEqual(['200']);
    expect(pairs('--pid')).toEqual(['host']);
  });

  it('keeps a user healthcheck and stop settings', () => {
    expect(pairs('--health-cmd')).toEqual(['wget -q -O - http://localhost:3000/api/status | grep -q success']);
    expect(pairs('--health-interval')).toEqual(['30s']);
    expect(pairs('--health-timeout')).toEqual(['5s']);
    expect(pairs('--health-start-period')).toEqual(['1500ms']);
    expect(pairs('--health-retries')).toEqual(['3']);
    expect(pairs('--stop-signal')).toEqual(['SIGINT']);
    expect(pairs('--stop-timeout')).toEqual(['130']);
  });
});

describe('planRecreate: special cases', () => {
  it('refuses a --rm container: stopping it would delete the rollback', () => {
    expect(() => planRecreate(guideContainer({ AutoRemove: true }), oldImage, NEW, ENV_FILE)).toThrow(/--rm/);
  });

  it('host networking: no hostname, no aliases, network host', () => {
    const c = guideContainer({ NetworkMode: 'host', PortBindings: {} }, { Hostname: 'the-host-name' });
    c.NetworkSettings = { Networks: { host: { Aliases: null } } };
    const p = planRecreate(c, oldImage, NEW, ENV_FILE);
    expect(p.createArgv).not.toContain('--hostname');
    expect(p.createArgv.slice(p.createArgv.indexOf('--network'), p.createArgv.indexOf('--network') + 2)).toEqual([
      '--network',
      'host',
    ]);
  });

  it('a user who cleared the entrypoint keeps it cleared, and an exec-form healthcheck becomes a quoted shell command', () => {
    const c = guideContainer(
      {},
      {
        Entrypoint: null,
        Cmd: ['/one-api', '--port', '3000'],
        Healthcheck: { Test: ['CMD', 'wget', '-q', 'http://x/a b'] },
      },
    );
    const p = planRecreate(c, oldImage, NEW, ENV_FILE);
    expect(p.createArgv.slice(p.createArgv.indexOf('--entrypoint'), p.createArgv.indexOf('--entrypoint') + 2)).toEqual([
      '--entrypoint',
      '',
    ]);
    expect(p.createArgv.slice(-3)).toEqual(['/one-api', '--port', '3000']);
    expect(p.createArgv[p.createArgv.indexOf('--health-cmd') + 1]).toBe(`wget -q 'http://x/a b'`);
  });

  it('no user env: no env file at all', () => {
    const p = planRecreate(guideContainer({}, { Env: [ALPINE_PATH] }), oldImage, NEW, ENV_FILE);
    expect(p.envFile).toBe('');
    expect(p.createArgv).not.toContain('--env-file');
  });

  it('userEnv keeps a variable whose value differs from the image default', () => {
    expect(userEnv(['PATH=/x', 'A=1'], ['PATH=/y'])).toEqual(['PATH=/x', 'A=1']);
  });

  it('env values with a line break cannot go through an env file and are refused', () => {
    expect(() => envFileText(['CERT=a\nb'])).toThrow(/line break/);
    expect(envFileText(['V=  spaced # not a comment '])).toBe('V=  spaced # not a comment \n');
  });
});

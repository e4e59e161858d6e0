/**
 * The test bed itself: what every other integration test relies on. Each simulated host is reachable
 * with the real OpenSSH client under the bed's known_hosts, has its own Docker engine and its own files,
 * pulls from the bed registry, and runs New API the way the fixtures deploy it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { NodeSSH } from 'node-ssh';
import { parse } from 'yaml';
import {
  BED_USERS,
  FIXTURE_PATHS,
  REPO_ROOT,
  actionEnv,
  catalog,
  deployCluster,
  deployFixture,
  fixtureHostFields,
  hostSh,
  hostShOk,
  hostStatus,
  hostsInput,
  loadBed,
  parseCommandFile,
  resetBed,
  runAction,
  type Bed,
} from './bed.js';

jest.setTimeout(180_000);

const execFileP = promisify(execFile);
let bed: Bed;

/** The real ssh client, verifying host keys against the bed's known_hosts only. */
async function ssh(address: string, command: string, user = 'root'): Promise<string> {
  const { stdout } = await execFileP(
    'ssh',
    [
      '-F',
      '/dev/null',
      '-i',
      bed.sshKey,
      '-o',
      `UserKnownHostsFile=${bed.knownHosts}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'ConnectTimeout=5',
      `${user}@${address}`,
      command,
    ],
    { timeout: 60_000 },
  );
  return stdout;
}

const address = (name: string) => bed.hosts.find((h) => h.name === name)!.address;

beforeAll(async () => {
  bed = loadBed();
  await resetBed({ keepImages: true });
});

afterAll(async () => {
  if (bed) await resetBed({ keepImages: true });
});

describe('hosts', () => {
  test('the bed has a master and slaves on their own addresses', () => {
    expect(bed.hosts.map((h) => [h.name, h.role])).toEqual([
      ['master', 'master'],
      ...bed.hosts.slice(1).map((_, i) => [`slave-${i + 1}`, 'slave']),
    ]);
    expect(new Set(bed.hosts.map((h) => h.address)).size).toBe(bed.hosts.length);
  });

  test('each host answers the real ssh client under the bed known_hosts, with its own name', async () => {
    for (const h of bed.hosts) {
      expect((await ssh(h.address, 'hostname')).trim()).toBe(h.name);
    }
  });

  test('a host key not in known_hosts is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bed-kh-'));
    try {
      const other = readFileSync(bed.knownHosts, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith(`${address('slave-1')} `))
        .map((l) => l.replace(address('slave-1'), address('master')))
        .join('\n');
      writeFileSync(join(dir, 'known_hosts'), `${other}\n`);
      await expect(
        execFileP('ssh', [
          '-F',
          '/dev/null',
          '-i',
          bed.sshKey,
          '-o',
          `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
          '-o',
          'StrictHostKeyChecking=yes',
          '-o',
          'BatchMode=yes',
          `root@${address('master')}`,
          'true',
        ]),
      ).rejects.toThrow(/host key/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('hosts do not share files: /srv, /opt, /var/backups and the lock directory are per host', async () => {
    await hostShOk('master', 'echo master > /srv/owner; mkdir -p /var/lib/new-api-update /var/backups/new-api');
    await hostShOk('master', 'touch /var/lib/new-api-update/lock /opt/only-on-master /var/backups/new-api/b');
    for (const h of bed.hosts.slice(1)) {
      const seen = await hostSh(
        h.name,
        'ls /srv/owner /opt/only-on-master /var/lib/new-api-update/lock /var/backups/new-api/b',
      );
      expect(seen.code).not.toBe(0);
    }
    expect((await ssh(address('master'), 'cat /srv/owner')).trim()).toBe('master');
  });

  test('users: deploy has password-less sudo, deploy-nopw is asked a password, pwuser logs in by password', async () => {
    const slave = address('slave-1');
    expect(await ssh(slave, 'sudo -n id -u', BED_USERS.deploy)).toBe('0\n');
    await expect(ssh(slave, 'sudo -n true', BED_USERS.deployNoPassword)).rejects.toThrow(/password is required/);

    const client = new NodeSSH();
    await client.connect({ host: slave, username: BED_USERS.passwordUser, password: BED_USERS.password });
    expect((await client.execCommand('id -un')).stdout).toBe('pwuser');
    client.dispose();

    const pem = new NodeSSH();
    await pem.connect({
      host: slave,
      username: 'root',
      privateKey: readFileSync(bed.sshKeyRsaPem, 'utf8'),
      passphrase: bed.sshKeyRsaPemPassphrase,
    });
    expect((await pem.execCommand('hostname')).stdout).toBe('slave-1');
    pem.dispose();
    expect(readFileSync(bed.sshKeyRsaPem, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED/);
  });
});

describe('docker and the registry', () => {
  test('docker over ssh talks to the host own engine (Debian 20.10 dockerd, vfs, the bed registry trusted)', async () => {
    const info = await ssh(address('master'), "docker info --format '{{.Driver}} {{.ServerVersion}} {{.Name}}'");
    expect(info).toMatch(/^vfs 20\.10\.\S+ master\n$/);
    await hostShOk('master', 'docker create --name only-on-master 10.77.0.1:5000/library/redis:7-stub');
    expect(await ssh(address('master'), "docker ps -a --format '{{.Names}}'")).toContain('only-on-master');
    expect(await ssh(address('slave-1'), "docker ps -a --format '{{.Names}}'")).not.toContain('only-on-master');
    expect((await ssh(address('master'), 'docker-compose version --short')).trim()).toMatch(/^1\./);
  });

  test('a host pulls a release image from the registry; images differ like upstream releases', async () => {
    const old = catalog().releases.find((r) => r.binary === '/one-api')!;
    await ssh(address('slave-2'), `docker pull -q ${bed.image}:${old.tag}`);
    const cfg = JSON.parse(
      await ssh(address('slave-2'), `docker image inspect --format '{{json .Config}}' ${bed.image}:${old.tag}`),
    ) as { Entrypoint: string[]; WorkingDir: string; Env: string[]; Labels: Record<string, string> };
    expect(cfg).toMatchObject({ Entrypoint: ['/one-api'], WorkingDir: '/data' });
    expect(cfg.Labels['org.opencontainers.image.version']).toBe(old.tag);
    expect(cfg.Env).toContain('PATH=/usr/local/bin:/usr/bin:/bin');
    // Pulled on slave-2 only.
    const elsewhere = await hostSh('slave-1', `docker image inspect ${bed.image}:${old.tag}`);
    expect(elsewhere.code).not.toBe(0);
  });
});

describe('fixtures', () => {
  test('a cluster: docker master, compose and source slaves on one database, New API answering over ssh', async () => {
    const tag = 'v0.10.1';
    await deployCluster({ master: 'docker', 'slave-1': 'compose', 'slave-2': 'source' }, tag);
    for (const h of bed.hosts.slice(0, 3)) {
      const status = JSON.parse(await ssh(h.address, 'curl -s http://127.0.0.1:3000/api/status')) as {
        data: { version: string; setup: boolean };
      };
      expect(status.data).toMatchObject({ version: tag, setup: true });
    }

    // docker: the guide's container, data in /srv/new-api/data.
    const run = JSON.parse(await hostShOk('master', 'docker inspect new-api'))[0] as {
      HostConfig: { RestartPolicy: { Name: string }; Binds: string[] };
      Config: { Env: string[] };
    };
    expect(run.HostConfig.RestartPolicy.Name).toBe('always');
    expect(run.HostConfig.Binds).toContain(`${FIXTURE_PATHS.dockerData}:/data`);
    expect(run.Config.Env).toEqual(
      expect.arrayContaining(['TZ=Asia/Shanghai', expect.stringMatching(/^SESSION_SECRET=/)]),
    );
    expect(run.Config.Env.some((e) => e.startsWith('NODE_TYPE='))).toBe(false);

    // compose: the official project layout, a slave, sidecars running.
    const ps = await hostShOk(
      'slave-1',
      `cd ${FIXTURE_PATHS.composeDir} && docker-compose ps --services --filter status=running`,
    );
    expect(ps.split('\n').sort()).toEqual(expect.arrayContaining(['new-api', 'postgres', 'redis']));
    expect(await hostShOk('slave-1', 'docker inspect -f "{{.Config.Env}} {{.Config.Cmd}}" new-api')).toMatch(
      /NODE_TYPE=slave.*\[--log-dir \/app\/logs\]/,
    );

    // source: a checkout at the tag, its restart and logs commands.
    expect((await hostShOk('slave-2', `git -C ${FIXTURE_PATHS.sourceDir} describe --tags`)).trim()).toBe(tag);
    expect(await hostShOk('slave-2', `${FIXTURE_PATHS.sourceService}/logs`)).toMatch(/ready in \d+ ms/);
    const before = (await hostStatus('slave-2'))!.start_time;
    await hostShOk('slave-2', `${FIXTURE_PATHS.sourceService}/restart`);
    for (let i = 0; i < 30; i++) {
      const now = await hostStatus('slave-2');
      if (now && now.start_time !== before) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect((await hostStatus('slave-2'))!.start_time).not.toBe(before);
  });

  test('an older release in the source repository carries its old module path', async () => {
    const old = catalog().releases.find((r) => r.binary === '/one-api')!;
    const status = await deployFixture('slave-2', 'source', old.tag);
    expect(status).toMatchObject({ version: old.tag });
    expect(await hostShOk('slave-2', `head -1 ${FIXTURE_PATHS.sourceDir}/go.mod`)).toBe('module one-api\n');
  });

  test('resetHost leaves a clean host', async () => {
    await deployFixture('master', 'docker', 'v0.10.1', { wait: false });
    await resetBed({ keepImages: true });
    expect(await hostShOk('master', 'docker ps -aq')).toBe('');
    const left =
      'find /srv /opt /data /var/backups /var/lib/new-api-update -mindepth 1 -maxdepth 1 ! -path /opt/containerd';
    expect(await hostShOk('master', left)).toBe('');
    expect(await hostStatus('master')).toBeUndefined();
  });
});

describe('running the action', () => {
  test('hostsInput and actionEnv produce the inputs as the runner passes them', () => {
    const yaml = hostsInput(bed, ['master', 'slave-1'], {
      'slave-1': { ...fixtureHostFields('compose'), port: undefined },
    });
    expect(parse(yaml)).toEqual([
      { name: 'master', host: address('master'), port: 22, user: 'root', role: 'master' },
      {
        name: 'slave-1',
        host: address('slave-1'),
        user: 'root',
        role: 'slave',
        method: 'compose',
        'project-dir': '/opt/new-api',
        service: 'new-api',
      },
    ]);
    const env = actionEnv(bed, { hosts: yaml, 'dry-run': true, 'ssh-timeout': undefined });
    expect(env).toMatchObject({ INPUT_HOSTS: yaml, 'INPUT_DRY-RUN': 'true', INPUT_IMAGE: bed.image });
    expect(env['INPUT_SSH-PRIVATE-KEY']).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(env['INPUT_SSH-TIMEOUT']).toBeUndefined();
  });

  test('runAction collects exit code, multi-line outputs, the summary and the post step state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bed-action-'));
    const script = join(dir, 'step.mjs');
    writeFileSync(
      script,
      `import * as core from ${JSON.stringify(join(REPO_ROOT, 'node_modules/@actions/core/lib/core.js'))};
       if (core.getState('isPost')) { core.setOutput('post-saw', core.getState('token')); process.exit(0); }
       core.saveState('isPost', 'true'); core.saveState('token', 'abc');
       core.setOutput('result', 'updated'); core.setOutput('report', JSON.stringify({ a: 1 }, null, 2));
       await core.summary.addHeading('Summary').write();
       console.log('hosts=' + core.getInput('hosts')); process.exitCode = 3;`,
    );
    try {
      const main = await runAction({ INPUT_HOSTS: '- name: x' }, { entry: script });
      expect(main.code).toBe(3);
      expect(main.stdout).toContain('hosts=- name: x');
      expect(main.outputs).toEqual({ result: 'updated', report: '{\n  "a": 1\n}' });
      expect(main.summary).toContain('<h1>Summary</h1>');
      const post = await runAction({}, { entry: script, post: main });
      expect(post.outputs['post-saw']).toBe('abc');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(parseCommandFile('a=1\nb<<EOF\nx\ny\nEOF\n')).toEqual({ a: '1', b: 'x\ny' });
  });
});

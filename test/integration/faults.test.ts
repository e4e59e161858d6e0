/**
 * Failure drills on the bed's 3-node cluster (docker fixtures, one shared database), each through the
 * bundled action as the runner runs it. Every case ends the same way a user needs it to: every node
 * serves a known version, the data is intact (a checksum of the users, tokens and channels the cluster
 * shares), and the report says what happened.
 *
 * A host unreachable at preflight is drilled in rollout.test.ts ("an unreachable host at preflight
 * changes nothing anywhere"). The host step's own dead-man revert (no verdict by health-timeout +
 * stability-seconds + 180 s) is too slow for the bed; test/unit/rollout-hoststep.test.ts runs it with a
 * short deadline, and here an interrupted run is settled by the post step or the next run instead.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  catalog,
  deployCluster,
  hostSh,
  hostShOk,
  loadBed,
  resetBed,
  runAction,
  seedInputs,
  type ActionInputs,
  type ActionRun,
  type Bed,
} from './bed.js';
import {
  CLUSTER,
  clusterHosts,
  containerIds,
  clusterEnv,
  dataChecksum,
  hostOf,
  hostStepState,
  parseReport,
  servedVersions,
  startAction,
  until,
  waitAllServing,
} from './support/cluster.js';
import type { RunReport } from '../../src/report/types.js';

jest.setTimeout(600_000);

const FROM = 'v0.10.1';
const TO = 'v0.10.2';
let bed: Bed;
let checksum: string;

const env = (inputs: ActionInputs) => clusterEnv(bed, { 'health-timeout': 30, 'stability-seconds': 2, ...inputs });

/** The run's report; its whole log and report are kept in $TMPDIR/nau-faults-<name>.log for reading a failure. */
function keep(name: string, run: ActionRun): RunReport {
  writeFileSync(
    join(tmpdir(), `nau-faults-${name}.log`),
    `${run.stdout}\n--- stderr\n${run.stderr}\n--- report\n${run.outputs.report}`,
  );
  return parseReport(run);
}

/** The end state every drill must reach: each node on `version` (or the per-node map), data unchanged. */
async function expectCluster(version: string | Record<string, string>): Promise<void> {
  const want = typeof version === 'string' ? Object.fromEntries(CLUSTER.map((n) => [n, version])) : version;
  expect(await waitAllServing()).toEqual(want);
  expect(await dataChecksum()).toBe(checksum);
}

/** What serves on a host and what it keeps: containers (ID, name, state) and backups. */
async function serviceFootprint(name: string): Promise<string> {
  return hostShOk(
    name,
    "docker ps -a --no-trunc --format '{{.ID}} {{.Names}} {{.Status}}' | sed 's/Up [^)]*/Up/' | sort; " +
      'find /var/backups -mindepth 1 2>/dev/null | sort',
  );
}

/** No lock left on any host. */
async function expectNoLocks(): Promise<void> {
  for (const n of CLUSTER) expect((await hostSh(n, 'ls /var/lib/new-api-update/locks')).stdout.trim()).toBe('');
}

/**
 * Nothing a run prepared is left in the state directory (the new container's env file holds secrets):
 * only the audit log, where the run recorded each node it tried.
 */
async function expectNothingPrepared(): Promise<void> {
  for (const n of CLUSTER) {
    expect(await hostShOk(n, 'find /var/lib/new-api-update -type f ! -name audit.log')).toBe('');
  }
}

beforeAll(() => {
  bed = loadBed();
});

afterAll(async () => {
  await resetBed({ keepImages: true });
});

beforeEach(async () => {
  await resetBed({ keepImages: true });
  await deployCluster(Object.fromEntries(CLUSTER.map((n) => [n, 'docker' as const])), FROM);
  checksum = await dataChecksum();
});

describe('a bad release is caught on the first node and rolled back', () => {
  it('crash at boot: the status check sees the crash, the log excerpt shows why, the old container serves again', async () => {
    const before = await containerIds();
    const r = await runAction(env({ version: 'v0.10.3-crash' }));
    const rep = keep('crash', r);
    expect(rep.result).toBe('rolled-back');
    expect(r.code).not.toBe(0);
    const master = hostOf(rep, 'master');
    expect(master.outcome).toBe('rolled-back');
    // Named as a crash (a status or, since it died migrating, a migration failure), with the log's why.
    expect(master.logExcerpt?.join('\n')).toMatch(/\[FATAL\].*failed to initialize database/);
    expect(rep.message).toMatch(
      /^master: (status|migration): .*(restarting \(crash loop\)|restarted \(restart count).*; every node changed in this run is back on its previous version$/,
    );
    expect(r.summary).toContain('every node changed in this run is back on its previous version');
    await expectCluster(FROM);
    expect(await containerIds()).toEqual(before);
    // The old container got its restart policy back: it survives a reboot as before.
    expect((await hostShOk('master', "docker inspect -f '{{.HostConfig.RestartPolicy.Name}}' new-api")).trim()).toBe(
      'always',
    );
  });

  it('failed migration that damages data: with restore-data-on-rollback the database backup is put back', async () => {
    const r = await runAction(env({ version: 'v0.10.3-badmigration', 'restore-data-on-rollback': true }));
    const rep = keep('badmigration', r);
    expect(rep.result).toBe('rolled-back');
    expect(hostOf(rep, 'master').outcome).toBe('rolled-back');
    expect(hostOf(rep, 'master').logExcerpt?.join('\n')).toMatch(/no such table: channels/);
    expect(rep.backups.some((b) => b.host === 'master' && b.kind === 'database')).toBe(true);
    expect(rep.message).toMatch(/^master: migration: the database migration failed/);
    expect(rep.message).toMatch(
      /the database was restored from \/var\/backups\/new-api\/\S+ on master \(writes since the backup are gone\)$/,
    );
    await expectCluster(FROM);
  });

  it('empty database: the new process answers setup:false, the status check fails, rolled back', async () => {
    const r = await runAction(env({ version: 'v0.10.3-emptydb' }));
    const rep = keep('emptydb', r);
    expect(rep.result).toBe('rolled-back');
    const status = hostOf(rep, 'master').checks.find((c) => c.name === 'status');
    expect(status?.status).toBe('fail');
    expect(status?.detail).toMatch(/setup/);
    await expectCluster(FROM);
  });

  it('failed login: with the admin password, admin-login fails on the new version, rolled back', async () => {
    const { seed } = catalog();
    const r = await runAction(
      env({
        version: 'v0.10.3-badlogin',
        ...seedInputs(),
        'admin-access-token': undefined,
        'admin-user-id': undefined,
        'admin-username': seed.adminUsername,
        'admin-password': seed.adminPassword,
      }),
    );
    const rep = keep('badlogin', r);
    expect(rep.result).toBe('rolled-back');
    const login = hostOf(rep, 'master').checks.find((c) => c.name === 'admin-login');
    expect(login?.status).toBe('fail');
    expect(rep.message).toMatch(/admin-login/);
    expect(JSON.stringify(rep)).not.toContain(seed.adminPassword);
    await expectCluster(FROM);
  });

  it('channels disabled after boot: the stability period sees it, rolled back, the channels restored', async () => {
    const r = await runAction(
      env({ version: 'v0.10.3-channelsoff', 'stability-seconds': 8, 'restore-data-on-rollback': true }),
    );
    const rep = keep('channelsoff', r);
    expect(rep.result).toBe('rolled-back');
    const channels = hostOf(rep, 'master').checks.find((c) => c.name === 'channels');
    expect(channels?.status).toBe('fail');
    expect(channels?.detail).toMatch(/openai-main/);
    expect(rep.message).toMatch(/the database was restored from \S+ on master/);
    await expectCluster(FROM);
    const enabled = await hostShOk(
      'master',
      "sqlite3 /mnt/cluster-db/one-api.db 'select name from channels where status = 1'",
    );
    expect(enabled.trim().split('\n')).toEqual(['openai-main', 'claude', 'gemini']);
  });
});

describe('the infrastructure fails under the run', () => {
  it('registry unreachable during the pull: prepare fails on that host, no node was touched', async () => {
    const before = await Promise.all(CLUSTER.map(serviceFootprint));
    // slave-2 has to fetch the image's layers, and the registry resets every request for them: the tag
    // is found at preflight, the pull itself breaks.
    await hostShOk('slave-2', `docker rmi -f ${bed.image}:${TO} >/dev/null 2>&1 || true`);
    const block =
      'OUTPUT -p tcp -d 10.77.0.1 --dport 5000 -m string --string /blobs/ --algo bm -j REJECT --reject-with tcp-reset';
    await hostShOk('slave-2', `iptables -I ${block}`);
    let r: ActionRun;
    try {
      r = await runAction(env({ version: TO }));
    } finally {
      await hostShOk('slave-2', `iptables -D ${block}`);
    }
    const rep = keep('registry', r);
    expect(r.stdout).toMatch(/\[slave-2\] image found in the registry/);
    expect(rep.result).toBe('failed');
    expect(r.code).not.toBe(0);
    expect(rep.message).toBe('preparing the new version failed (pull or build); every node still runs its old version');
    expect(rep.errors).toEqual([
      expect.stringMatching(
        /^\[slave-2\] pull 10\.77\.0\.1:5000\/calciumion\/new-api:v0\.10\.2 failed .*connection reset/,
      ),
    ]);
    expect(rep.hosts.map((h) => h.outcome)).toEqual(['not-started', 'not-started', 'not-started']);
    await expectCluster(FROM);
    expect(await Promise.all(CLUSTER.map(serviceFootprint))).toEqual(before);
    await expectNoLocks();
    await expectNothingPrepared();
  });

  it('disk full at the backup: the backup is refused before anything stops, nothing changes', async () => {
    // The mount point exists beforehand, as backup-dir would on a real host.
    await hostShOk('master', 'mkdir -p /var/backups/new-api');
    const before = await Promise.all(CLUSTER.map(serviceFootprint));
    await hostShOk(
      'master',
      'mount -t tmpfs -o size=64k nau-full /var/backups/new-api && ' +
        '{ dd if=/dev/zero of=/var/backups/new-api/filler bs=4k 2>/dev/null || true; }',
    );
    let r: ActionRun;
    try {
      r = await runAction(env({ version: TO, 'restore-data-on-rollback': true }));
    } finally {
      await hostShOk('master', 'umount /var/backups/new-api');
    }
    const rep = keep('diskfull', r);
    expect(rep.result).toBe('failed');
    expect(rep.message).toMatch(
      /^master: not enough free space for the backup in \/var\/backups\/new-api: 0 KiB free, \d+ KiB needed .*; nothing was changed$/,
    );
    expect(r.summary).toContain('nothing was changed');
    expect(await hostShOk('master', 'cat /var/lib/new-api-update/audit.log')).toContain('"result":"failed"');
    expect(hostOf(rep, 'master').outcome).toBe('failed');
    expect(hostOf(rep, 'master').steps.map((s) => [s.label, s.ok])).toEqual([
      ['baseline', true],
      ['backup', false],
    ]);
    expect(rep.hosts.filter((h) => h.name !== 'master').map((h) => h.outcome)).toEqual(['not-started', 'not-started']);
    await expectCluster(FROM);
    expect(await Promise.all(CLUSTER.map(serviceFootprint))).toEqual(before);
    await expectNoLocks();
    await expectNothingPrepared();
  });

  it('SSH connection cut during the swap: the host step carries on, the action reconnects and finishes', async () => {
    const run = startAction(env({ version: TO }));
    // While the master's host step swaps, every packet to its sshd is answered with a reset for 8 s: the
    // action's connection dies and new ones are refused.
    await until(
      'the master swapping',
      async () => /^(applying|applied)$/.test(await hostStepState('master')),
      60_000,
      50,
    );
    const cut = 'INPUT -p tcp --dport 22 -j REJECT --reject-with tcp-reset';
    await hostShOk('master', `iptables -I ${cut}`);
    try {
      await new Promise((r) => setTimeout(r, 8000));
    } finally {
      await hostShOk('master', `iptables -D ${cut}`);
    }
    const r = await run.done;
    const rep = keep('sshcut', r);
    // The run says what happened to the connection, as annotations on the step.
    expect(r.stdout).toMatch(/\[master\] reconnecting: the previous SSH connection was lost/);
    expect(r.stdout).toMatch(/::warning::\[master\] connection attempt 1\/3 failed: .*ECONNREFUSED/);
    expect(rep.result).toBe('updated');
    expect(hostOf(rep, 'master').steps.find((s) => s.label === 'stop old, start new')?.ok).toBe(true);
    await expectCluster(TO);
    expect(await hostStepState('master')).toBe('finalized');
    await expectNoLocks();
  });
});

describe('the action itself is interrupted or raced', () => {
  it('rollback interrupted: the action is killed while rolling back; the post step finishes the rollback', async () => {
    // slave-2's pre-update (draining it from the load balancer, say) fails after master and slave-1 were
    // updated: the run rolls both back, newest first, and is killed as it starts.
    const hosts = clusterHosts(bed).replace(
      /(- name: slave-2\n)/,
      '$1  pre-update: echo draining failed >&2; exit 1\n',
    );
    const run = startAction(env({ version: TO, hosts }));
    await run.waitFor(/\[slave-1\] rolling back to v0\.10\.1/);
    run.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.outputs.report).toBeUndefined();
    // The runner runs the post step (post-if: always()) with what the main step saved.
    const post = await runAction(env({ version: TO, hosts }), { post: killed });
    for (const n of ['master', 'slave-1']) {
      expect(post.stdout).toContain(
        `::warning::[${n}] an earlier run was rolling this node back when it stopped: finishing the rollback`,
      );
    }
    await expectCluster(FROM);
    expect(await hostStepState('master')).toBe('reverted');
    await expectNoLocks();
  });

  it('killed mid-check with the runner gone: the re-run reverts the unconfirmed node at once, then updates', async () => {
    // A long stability period keeps the master unconfirmed ('applied') while the action is killed; its
    // host step would wait for the dead-man deadline (health-timeout + stability + 180 s).
    const first = env({ version: TO, 'stability-seconds': 60 });
    const run = startAction(first);
    await until('the master applied', async () => (await hostStepState('master')) === 'applied', 60_000, 50);
    run.kill('SIGKILL');
    await run.done;
    expect((await servedVersions(['master'])).master).toBe(TO);
    // No post step (the runner died too): the workflow is re-run, attempt 2 of the same run.
    const started = Date.now();
    const rerun = await runAction({
      ...env({ version: TO }),
      GITHUB_RUN_ID: first.GITHUB_RUN_ID,
      GITHUB_RUN_ATTEMPT: '2',
    });
    const rep = keep('rerun', rerun);
    expect(rerun.stdout).toContain(
      '::warning::[master] an earlier run left this node on an unconfirmed new version: reverting it',
    );
    expect(rep.previousVersions).toEqual({ master: FROM, 'slave-1': FROM, 'slave-2': FROM });
    expect(rep.result).toBe('updated');
    expect(Date.now() - started).toBeLessThan(60_000);
    await expectCluster(TO);
    await expectNoLocks();
  });

  it('concurrent runs: a second run waits for the lock and fails naming the holder, or runs after', async () => {
    const firstEnv = env({ version: TO, 'stability-seconds': 4 });
    const first = startAction(firstEnv);
    await first.waitFor(/\[master\] swapping to/);
    const holder = `bed/new-api-ops run ${firstEnv.GITHUB_RUN_ID} attempt 1`;
    const impatient = startAction(env({ version: TO, 'lock-timeout': 2 }));
    const patient = startAction(env({ version: TO, 'lock-timeout': 180 }));
    const [a, b, c] = await Promise.all([first.done, impatient.done, patient.done]);
    expect(keep('first', a).result).toBe('updated');

    const rb = keep('impatient', b);
    expect(rb.result).toBe('failed');
    expect(b.code).not.toBe(0);
    expect(rb.message).toBe('preflight failed on 3 host(s); nothing was changed');
    for (const n of CLUSTER) {
      expect(rb.errors.find((e) => e.startsWith(`[${n}] the deployment lock `))).toContain(`is held by ${holder}`);
    }

    const rc = keep('patient', c);
    expect(c.stdout).toContain(`waiting up to 180 s for the deployment lock, held by ${holder}`);
    expect(rc.result).toBe('up-to-date');
    expect(Date.parse(rc.finishedAt!)).toBeGreaterThan(Date.parse(parseReport(a).finishedAt!));

    // Only the first run changed anything: one swap and one audit line per node.
    for (const x of [b, c]) expect(x.stdout).not.toMatch(/swapping to/);
    await expectCluster(TO);
    for (const n of CLUSTER) {
      const audit = (await hostShOk(n, 'cat /var/lib/new-api-update/audit.log')).trim().split('\n');
      expect(audit).toHaveLength(1);
      expect(audit[0]).toContain(`"runId":"${firstEnv.GITHUB_RUN_ID}"`);
    }
    await expectNoLocks();
  });
});

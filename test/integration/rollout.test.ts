/**
 * The whole action (the bundled dist/index.js, inputs as the runner passes them) on the bed's 3-node
 * cluster sharing one database: both orders, a release that crashes at boot, a failure on the LAST node,
 * an unreachable host at preflight, cancellation mid-run, and a dry run. Every case ends by checking
 * what each node serves and that the data is intact.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  deployCluster,
  hostSh,
  hostShOk,
  loadBed,
  resetBed,
  runAction,
  type ActionInputs,
  type ActionRun,
  type Bed,
} from './bed.js';
import {
  CLUSTER as NAMES,
  clusterEnv,
  clusterHosts,
  containerIds,
  createdAt,
  hostFootprint,
  parseReport as report,
  rowCounts,
  servedVersions as versions,
  startAction,
  waitAllServing,
} from './support/cluster.js';

jest.setTimeout(600_000);

const FROM = 'v0.10.1';
const TO = 'v0.10.2';
let bed: Bed;

const hosts = () => clusterHosts(bed);
const env = (inputs: ActionInputs) => clusterEnv(bed, inputs);

beforeAll(() => {
  bed = loadBed();
});

describe('rolling update of a 3-node cluster', () => {
  let baseline: string;

  beforeEach(async () => {
    await resetBed({ keepImages: true });
    await deployCluster(Object.fromEntries(NAMES.map((n) => [n, 'docker' as const])), FROM);
    baseline = await rowCounts();
  });

  afterAll(async () => {
    await resetBed({ keepImages: true });
  });

  it('master-first: updates the master, then each slave; every node passes and serves the target', async () => {
    const r = await runAction(env({ version: TO }));
    expect(report(r).result).toBe('updated');
    expect(r.code).toBe(0);
    expect(await versions()).toEqual({ master: TO, 'slave-1': TO, 'slave-2': TO });
    const t = await createdAt();
    expect(t.master).toBeLessThan(t['slave-1']);
    expect(t['slave-1']).toBeLessThan(t['slave-2']);
    expect(JSON.parse(r.outputs['previous-versions'])).toEqual({ master: FROM, 'slave-1': FROM, 'slave-2': FROM });
    // Backups were taken and named; the kept old containers are gone once everything passed.
    expect(report(r).backups.some((b) => b.kind === 'database')).toBe(true);
    for (const n of NAMES) expect(await hostShOk(n, "docker ps -a --format '{{.Names}}'")).not.toMatch(/pre-update/);
    expect(await rowCounts()).toBe(baseline);
    // No lock left behind, one audit line per host.
    for (const n of NAMES) {
      expect((await hostSh(n, 'ls /var/lib/new-api-update/locks')).stdout.trim()).toBe('');
      expect(await hostShOk(n, 'cat /var/lib/new-api-update/audit.log')).toContain('"result":"updated"');
    }
  });

  it('version: previous goes back to what this action replaced last time on each host', async () => {
    expect(report(await runAction(env({ version: TO }))).result).toBe('updated');
    const r = await runAction(env({ version: 'previous' }));
    expect(report(r).result).toBe('updated');
    expect(r.outputs.version).toBe(FROM);
    expect(await versions()).toEqual({ master: FROM, 'slave-1': FROM, 'slave-2': FROM });
    expect(await rowCounts()).toBe(baseline);
  });

  it("slaves-first: the guide's order, one slave as canary, the master last", async () => {
    const r = await runAction(env({ version: TO, order: 'slaves-first' }));
    expect(report(r).result).toBe('updated');
    const t = await createdAt();
    expect(t['slave-1']).toBeLessThan(t['slave-2']);
    expect(t['slave-2']).toBeLessThan(t.master);
    expect(await versions()).toEqual({ master: TO, 'slave-1': TO, 'slave-2': TO });
  });

  it('a release that crashes at boot, caught on the first node, leaves every node on the old version', async () => {
    const before = await containerIds();
    const started = Date.now();
    const r = await runAction(env({ version: 'v0.10.3-crash', 'health-timeout': 120 }));
    const rep = report(r);
    expect(rep.result).toBe('rolled-back');
    expect(r.code).not.toBe(0);
    expect(rep.hosts.find((h) => h.name === 'master')?.outcome).toBe('rolled-back');
    expect(rep.hosts.filter((h) => h.name !== 'master').map((h) => h.outcome)).toEqual(['not-started', 'not-started']);
    expect(await versions()).toEqual({ master: FROM, 'slave-1': FROM, 'slave-2': FROM });
    // The old containers themselves serve again (renamed back, not re-created), and long before health-timeout.
    expect(await containerIds()).toEqual(before);
    expect(Date.now() - started).toBeLessThan(90_000);
    expect(r.summary).toContain('FATAL');
    expect(await rowCounts()).toBe(baseline);
    // The slaves were prepared (image pulled, env file written) but never swapped: no env file, which holds
    // the node's secrets, outlives the run.
    for (const n of NAMES) {
      expect(await hostShOk(n, 'find /var/lib/new-api-update/instances -maxdepth 2 -type f -name "*.env"')).toBe('');
    }
  });

  it('a failure on the last node rolls back every node updated in this run, newest first, and restores the data', async () => {
    // slaves-first puts the master last; v0.10.3-badmigration fails only where migrations run (the master),
    // after dropping a table: the database backup taken before the first node is restored.
    const r = await runAction(
      env({ version: 'v0.10.3-badmigration', order: 'slaves-first', 'restore-data-on-rollback': true }),
    );
    const rep = report(r);
    expect(rep.result).toBe('rolled-back');
    expect(Object.fromEntries(rep.hosts.map((h) => [h.name, h.outcome]))).toEqual({
      master: 'rolled-back',
      'slave-1': 'rolled-back',
      'slave-2': 'rolled-back',
    });
    expect(await versions()).toEqual({ master: FROM, 'slave-1': FROM, 'slave-2': FROM });
    expect(await rowCounts()).toBe(baseline);
  });

  it('an unreachable host at preflight changes nothing anywhere', async () => {
    const before = await Promise.all(NAMES.map(hostFootprint));
    const inventory = `${hosts()}- name: ghost\n  host: 10.77.0.99\n  role: slave\n`;
    const r = await runAction(env({ version: TO, hosts: inventory, 'ssh-timeout': 2 }));
    const rep = report(r);
    expect(rep.result).toBe('failed');
    expect(rep.message).toMatch(/preflight failed.*nothing was changed/);
    expect(r.stdout + r.stderr).toMatch(/ghost/);
    expect(await Promise.all(NAMES.map(hostFootprint))).toEqual(before);
  });

  it('a dry run connects and plans but leaves containers, files and locks exactly as they were', async () => {
    const before = await Promise.all(NAMES.map(hostFootprint));
    const r = await runAction(env({ version: TO, 'dry-run': true }));
    expect(r.outputs.result).toBe('planned');
    expect(r.outputs['update-available']).toBe('true');
    expect(r.code).toBe(0);
    expect(report(r).hosts.map((h) => h.outcome)).toEqual(['planned', 'planned', 'planned']);
    expect(await Promise.all(NAMES.map(hostFootprint))).toEqual(before);
  });

  it('cancellation mid-run leaves every node serving, and the post step releases the locks', async () => {
    const e = await runCancelled(env({ version: TO, 'stability-seconds': 20 }));
    const rep = report(e);
    expect(rep.result).not.toBe('updated');
    // Every node serves, each on one of the two versions; the node in progress was reverted by its host step.
    const v = await waitAllServing();
    for (const n of NAMES) expect([FROM, TO]).toContain(v[n]);
    expect(v.master).toBe(FROM);
    await runAction(env({ version: TO }), { post: e });
    for (const n of NAMES) expect((await hostSh(n, 'ls /var/lib/new-api-update/locks')).stdout.trim()).toBe('');
    expect(await rowCounts()).toBe(baseline);
  });
});

/** Runs the action and sends it SIGTERM (as a cancelled workflow does) once the master's new version is up. */
async function runCancelled(envVars: Record<string, string>): Promise<ActionRun> {
  const run = startAction(envVars);
  // The master's new container is up and being checked: cancel now (once, as the runner does).
  await run.waitFor(/\[master\] swapping to/);
  setTimeout(() => run.kill('SIGTERM'), 1500);
  return run.done;
}

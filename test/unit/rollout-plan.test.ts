import { buildPlan, orderBatches, type HostDecision } from '../../src/rollout/plan.js';
import type { HostSpec, Settings } from '../../src/settings.js';

const host = (name: string, role: 'master' | 'slave', extra: Partial<HostSpec> = {}): HostSpec => ({
  name,
  host: `${name}.example`,
  port: 22,
  user: 'root',
  role,
  method: 'docker',
  url: 'http://127.0.0.1:3000',
  container: 'new-api',
  service: 'new-api',
  sudo: false,
  ...extra,
});

const cluster = [host('m', 'master'), host('s1', 'slave'), host('s2', 'slave'), host('s3', 'slave')];
const names = (batches: { host: HostSpec }[][]) => batches.map((b) => b.map((n) => n.host.name));
const nodes = cluster.map((h) => ({ host: h }));

describe('orderBatches', () => {
  it('master-first updates the master alone, then the slaves in batch-size groups', () => {
    expect(names(orderBatches(nodes, 'master-first', 1))).toEqual([['m'], ['s1'], ['s2'], ['s3']]);
    expect(names(orderBatches(nodes, 'master-first', 2))).toEqual([['m'], ['s1', 's2'], ['s3']]);
  });
  it("slaves-first follows the guide: one canary slave, the rest in batches, the master last", () => {
    expect(names(orderBatches(nodes, 'slaves-first', 2))).toEqual([['s1'], ['s2', 's3'], ['m']]);
    expect(names(orderBatches(nodes, 'slaves-first', 5))).toEqual([['s1'], ['s2', 's3'], ['m']]);
  });
  it('a single master is one batch in either order', () => {
    expect(names(orderBatches([{ host: host('m', 'master') }], 'slaves-first', 1))).toEqual([['m']]);
  });
});

describe('buildPlan', () => {
  const settings = {
    hosts: cluster,
    order: 'master-first',
    batchSize: 1,
    backup: true,
    stabilitySeconds: 30,
    rollback: 'auto',
  } as unknown as Settings;

  it('skips hosts already on the target and lists them', () => {
    const d = new Map<string, HostDecision>([
      ['m', { kind: 'update', from: 'v0.9.1' }],
      ['s1', { kind: 'up-to-date', version: 'v0.9.2' }],
      ['s2', { kind: 'update', from: 'v0.9.1' }],
      ['s3', { kind: 'update', from: 'v0.9.1' }],
    ]);
    const plan = buildPlan(settings, 'v0.9.2', d);
    expect(names(plan.batches)).toEqual([['m'], ['s2'], ['s3']]);
    expect(plan.upToDate.map((u) => u.host.name)).toEqual(['s1']);
    expect(plan.sharedDatabaseBackup).toBe(true);
    expect(plan.lines.join('\n')).toContain('s1: already on v0.9.2, skipped.');
    expect(plan.lines.join('\n')).toContain('1. m (master, docker, v0.9.1 → v0.9.2)');
  });

  it('lists backup, swap, checks and stability for each node, and the hooks when given', () => {
    const hooked = { ...settings, hosts: [host('m', 'master', { preUpdate: 'drain', postUpdate: 'undrain' })] } as Settings;
    const plan = buildPlan(hooked, 'v1', new Map([['m', { kind: 'update', from: 'v0' } as HostDecision]]));
    expect(plan.batches[0][0].steps).toEqual([
      'pre-update command',
      'baseline (status, version, channels)',
      'back up database and configuration',
      'stop old, start new (old kept)',
      'readiness and checklist',
      'stability 30s, checklist again',
      'post-update command',
    ]);
  });

  it('plans nothing when every host is up to date', () => {
    const d = new Map<string, HostDecision>(cluster.map((h) => [h.name, { kind: 'up-to-date', version: 'v1' }]));
    const plan = buildPlan(settings, 'v1', d);
    expect(plan.batches).toEqual([]);
    expect(plan.sharedDatabaseBackup).toBe(false);
  });
});

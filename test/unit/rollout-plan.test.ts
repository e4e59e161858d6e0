import { hostSpec } from '../support/host.js';
import { buildPlan, orderBatches } from '../../src/rollout/plan.js';
import type { HostDecision } from '../../src/versions/gates.js';
import type { HostSpec, Settings } from '../../src/settings.js';

const host = (name: string, role: 'master' | 'slave', extra: Partial<HostSpec> = {}): HostSpec =>
  hostSpec({ name, host: `${name}.example`, role, ...extra });

const cluster = [host('m', 'master'), host('s1', 'slave'), host('s2', 'slave'), host('s3', 'slave')];
const names = (batches: { host: HostSpec }[][]) => batches.map((b) => b.map((n) => n.host.name));
const nodes = cluster.map((h) => ({ host: h }));

describe('orderBatches', () => {
  it('master-first updates the master alone, then the slaves in batch-size groups', () => {
    expect(names(orderBatches(nodes, 'master-first', 1))).toEqual([['m'], ['s1'], ['s2'], ['s3']]);
    expect(names(orderBatches(nodes, 'master-first', 2))).toEqual([['m'], ['s1', 's2'], ['s3']]);
  });
  it('slaves-first follows the guide: one canary slave, the rest in batches, the master last', () => {
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
    const d: HostDecision[] = [
      { host: 'm', action: 'update', current: 'v0.9.1', target: 'v0.9.2' },
      { host: 's1', action: 'up-to-date', current: 'v0.9.2', target: 'v0.9.2' },
      { host: 's2', action: 'update', current: 'v0.9.1', target: 'v0.9.2' },
      { host: 's3', action: 'update', current: 'v0.9.1', target: 'v0.9.2' },
    ];
    const plan = buildPlan(settings, d);
    expect(names(plan.batches)).toEqual([['m'], ['s2'], ['s3']]);
    expect(plan.upToDate.map((u) => u.host.name)).toEqual(['s1']);
    expect(plan.sharedDatabaseBackup).toBe(true);
    expect(plan.lines.join('\n')).toContain('s1: already on v0.9.2, skipped.');
    expect(plan.lines.join('\n')).toContain('1. m (master, docker, v0.9.1 → v0.9.2)');
  });

  it('lists backup, swap, checks and stability for each node, and the hooks when given', () => {
    const hooked = {
      ...settings,
      hosts: [host('m', 'master', { preUpdate: 'drain', postUpdate: 'undrain' })],
    } as Settings;
    const plan = buildPlan(hooked, [{ host: 'm', action: 'update', current: 'v0', target: 'v1' }]);
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
    const d: HostDecision[] = cluster.map((h) => ({ host: h.name, action: 'up-to-date', current: 'v1', target: 'v1' }));
    const plan = buildPlan(settings, d);
    expect(plan.batches).toEqual([]);
    expect(plan.sharedDatabaseBackup).toBe(false);
  });
});

/**
 * The pure planner: from the inventory, what preflight found and the gates' decisions, the ordered
 * rollout as data. A dry run prints exactly this; the executor walks exactly this.
 */
import type { HostSpec, Settings } from '../settings.js';
import type { HostDecision } from '../versions/gates.js';

export interface PlannedNode {
  host: HostSpec;
  from?: string;
  to: string;
  steps: string[];
}

export interface Plan {
  /** Nodes changed together; batches run one after another. */
  batches: PlannedNode[][];
  upToDate: { host: HostSpec; version: string }[];
  /** A cluster's shared database is dumped once, before the first node. */
  sharedDatabaseBackup: boolean;
  /** One line per step, for the log, the summary and dry runs. */
  lines: string[];
}

/** Orders the nodes to update per `order`: master first, or the guide's canary slave → other slaves → master. */
export function orderBatches<T extends { host: HostSpec }>(
  nodes: T[],
  order: Settings['order'],
  batchSize: number,
): T[][] {
  const masters = nodes.filter((n) => n.host.role === 'master');
  const slaves = nodes.filter((n) => n.host.role === 'slave');
  const chunk = (list: T[]): T[][] => {
    const out: T[][] = [];
    for (let i = 0; i < list.length; i += batchSize) out.push(list.slice(i, i + batchSize));
    return out;
  };
  if (order === 'master-first') return [...masters.map((m) => [m]), ...chunk(slaves)];
  const [canary, ...rest] = slaves;
  return [...(canary ? [[canary]] : []), ...chunk(rest), ...masters.map((m) => [m])];
}

export function nodeSteps(host: HostSpec, settings: Settings): string[] {
  return [
    ...(host.preUpdate ? ['pre-update command'] : []),
    'baseline (status, version, channels)',
    ...(settings.backup ? ['back up database and configuration'] : []),
    host.method === 'source' ? 'swap binary and restart' : 'stop old, start new (old kept)',
    'readiness and checklist',
    ...(settings.stabilitySeconds > 0 ? [`stability ${settings.stabilitySeconds}s, checklist again`] : []),
    ...(host.postUpdate ? ['post-update command'] : []),
  ];
}

/** The gates' decisions (one per host, refused ones left out by the caller's verdict) in rollout order. */
export function buildPlan(settings: Settings, decisions: HostDecision[]): Plan {
  const toUpdate: PlannedNode[] = [];
  const upToDate: Plan['upToDate'] = [];
  for (const host of settings.hosts) {
    const d = decisions.find((x) => x.host === host.name);
    if (!d || d.action === 'refused') continue;
    if (d.action === 'up-to-date') upToDate.push({ host, version: d.current ?? d.target });
    else toUpdate.push({ host, from: d.current, to: d.target, steps: nodeSteps(host, settings) });
  }
  const targets = [...new Set(toUpdate.map((n) => n.to))];
  const batches = orderBatches(toUpdate, settings.order, settings.batchSize);
  const sharedDatabaseBackup = settings.backup && settings.hosts.length > 1 && toUpdate.length > 0;
  const lines: string[] = [];
  if (toUpdate.length > 0) {
    lines.push(`Target ${targets.join(', ')}; order ${settings.order}, batch size ${settings.batchSize}.`);
    lines.push(`Pre-pull / pre-build on ${toUpdate.map((n) => n.host.name).join(', ')} while the old version serves.`);
    if (sharedDatabaseBackup) lines.push('Back up the shared database once, before the first node.');
    batches.forEach((batch, i) => {
      const names = batch.map(
        (n) => `${n.host.name} (${n.host.role}, ${n.host.method}, ${n.from ?? 'unknown'} → ${n.to})`,
      );
      lines.push(`${i + 1}. ${names.join(' + ')}: ${batch[0].steps.join(' → ')}`);
    });
    lines.push(
      settings.rollback === 'auto'
        ? 'On a failed check: roll back that node, then every node updated in this run, in reverse order.'
        : 'On a failed check: stop and leave the failed node for inspection (rollback: never).',
    );
    lines.push('When every node passed: remove the kept old containers/binaries, keep the previous image.');
  }
  for (const u of upToDate) lines.push(`${u.host.name}: already on ${u.version}, skipped.`);
  return { batches, upToDate, sharedDatabaseBackup, lines };
}

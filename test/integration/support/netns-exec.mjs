/**
 * Runs `node $NAU_NETNS_ENTRY` inside network namespace $NAU_NETNS, with this process's stdio, environment
 * (minus these two variables) and exit status. bed.ts's runAction starts a script with node the way the
 * runner starts the action; pointing it here puts the action in a test's runner namespace (runner-netns.ts).
 */
import { spawnSync } from 'node:child_process';

const { NAU_NETNS: netns, NAU_NETNS_ENTRY: entry, ...env } = process.env;
if (!netns || !entry) {
  console.error('netns-exec.mjs: NAU_NETNS and NAU_NETNS_ENTRY must be set');
  process.exit(2);
}
const r = spawnSync('ip', ['netns', 'exec', netns, process.execPath, entry], { stdio: 'inherit', env });
if (r.error) console.error(`netns-exec.mjs: ${r.error.message}`);
process.exit(r.status ?? 1);

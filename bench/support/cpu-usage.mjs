// Preloaded into the action's process by the bench (NODE_OPTIONS=--import): on exit, writes the process's
// own CPU time to $BENCH_CPU_FILE, so the bench can tell the action's CPU from the hosts'.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.BENCH_CPU_FILE;
  if (!file) return;
  const { user, system } = process.cpuUsage();
  writeFileSync(file, JSON.stringify({ userMs: user / 1000, systemMs: system / 1000 }));
});

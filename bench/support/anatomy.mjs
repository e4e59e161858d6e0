/**
 * Swap anatomy: the docker commands that take a node down, each timed on the host, for the two sequences
 * being compared — the action's host step (stop, rename, create, start) and the guide's (stop, rm, run) —
 * and the time from the last command to New API answering /api/status (polled every 20 ms inside the host).
 * Explains a difference between the two downtimes, should there be one.
 */
import { join } from 'node:path';
import { runOk, REPO_ROOT } from './bed.mjs';
import { guideRunCommand } from './manual.mjs';

// Prints `<label> <ms>` per command; `listen` is the time from the last command until /api/status answers.
const TIMER = `
now() { date +%s%3N; }
step() { local label=$1 t; shift; t=$(now); "$@" >/dev/null || exit 1; echo "$label $(( $(now) - t ))"; }
listen() {
  local t; t=$(now)
  until curl -fs --max-time 0.5 http://127.0.0.1:3000/api/status | grep -q '"success":true'; do sleep 0.02; done
  echo "listen $(( $(now) - t ))"
}
`;

/** One timed swap from the running container `new-api` to `tag`; resolves {command: ms}. */
export async function timedSwap(bed, host, tag, sequence) {
  const run = await guideRunCommand(bed, host, tag);
  const create = run.replace(/^'docker' 'run' /, `'docker' 'create' `).replace(/ '-d'/, '');
  const body =
    sequence === 'action'
      ? [
          'old=$(docker inspect -f "{{.Id}}" new-api)',
          'step "docker update --restart=no" docker update --restart=no "$old"',
          'T0=$(now)',
          'step "docker stop" docker stop -t 130 "$old"',
          'step "docker rename" docker rename "$old" new-api-kept',
          `step "docker create" ${create}`,
          'step "docker start" docker start new-api',
          'listen',
          'echo "down $(( $(now) - T0 ))"',
          'docker rm new-api-kept >/dev/null',
        ]
      : [
          'T0=$(now)',
          'step "docker stop" docker stop new-api',
          'step "docker rm" docker rm new-api',
          `step "docker run" ${run}`,
          'listen',
          'echo "down $(( $(now) - T0 ))"',
        ];
  const { stdout } = await runOk('bash', [
    join(REPO_ROOT, 'test/bed/bed.sh'),
    'exec',
    host,
    'bash',
    '-c',
    `${TIMER}\n${body.join('\n')}`,
  ]);
  const out = {};
  for (const line of stdout.trim().split('\n')) {
    const m = /^(.*) (\d+)$/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

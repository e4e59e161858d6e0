#!/usr/bin/env bash
# The demo: brings up the test bed (3 simulated hosts with real sshd, dockerd and a registry), deploys
# New API on them the way users do (master: docker run as in the guide; slave-1: docker compose; slave-2:
# a source build), then runs the BUNDLED action twice:
#   1. update the cluster from v0.10.1 to v0.10.2 (backups, checks, stability, master first);
#   2. try v0.10.3-crash, a release that crashes at boot: detected in seconds, rolled back.
# Each run prints the action's own log and report; the step outputs follow.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "the demo needs root (network namespaces, dockerd, sshd): sudo bash scripts/demo.sh" >&2; exit 2; }
[ -d node_modules ] || npm ci --ignore-scripts --no-audit --no-fund
[ -f dist/index.js ] || npm run -s bundle

banner() { printf '\n\033[1;36m━━ %s\033[0m\n' "$*"; }
outputs() {
  node -e '
    const text = require("fs").readFileSync(process.argv[1], "utf8");
    const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm; let m;
    while ((m = re.exec(text))) if (m[1] !== "report") console.log(`  ${m[1]} = ${m[3]}`);
  ' "$1/output"
}

banner "Test bed: 3 hosts (network namespaces, own sshd + dockerd), registry, fake GitHub API"
bash test/bed/bed.sh up
banner "Starting state: New API v0.10.1 on every host"
bash test/bed/fixtures.sh deploy master docker v0.10.1 --db shared
bash test/bed/fixtures.sh deploy slave-1 compose v0.10.1 --db shared
bash test/bed/fixtures.sh deploy slave-2 source v0.10.1 --db shared

hosts=$(node -e '
  const s = require("/var/lib/nau-bed/state.json");
  const [m, s1, s2] = s.hosts;
  console.log(`- name: master
  host: ${m.address}
  role: master
  method: docker
- name: slave-1
  host: ${s1.address}
  role: slave
  method: compose
  project-dir: /opt/new-api
- name: slave-2
  host: ${s2.address}
  role: slave
  method: source
  source-dir: /opt/new-api-src
  restart: /opt/new-api-service/restart
  logs: /opt/new-api-service/logs`);
')

run() {
  local dir
  dir=$(mktemp -d)
  RUN_DIR=$dir bash scripts/run-action.sh "$@" || true
  banner "Step outputs"
  outputs "$dir"
}

banner "Run 1: update the cluster to v0.10.2"
run v0.10.2 "$hosts"
banner "Run 2: v0.10.3-crash, a release that crashes at boot"
run v0.10.3-crash "$hosts"
banner "Done. The bed stays up for a look around (sudo bash test/bed/bed.sh down to stop it)."

#!/usr/bin/env bash
# Starting states for the bed's hosts, deployed the way users deploy New API (scripts in fixtures/ run
# inside the host), and the way back to a clean host.
#   fixtures.sh deploy HOST docker|compose|source TAG [--db local|shared] [--env NAME=VALUE]… [--no-wait]
#                      [--timeout SECONDS]
#   fixtures.sh reset HOST [--keep-images]
#   fixtures.sh reset-db
#   fixtures.sh postgres HOST
# deploy replaces whatever New API the host ran and, unless --no-wait, waits until /api/status answers.
# Slaves get NODE_TYPE=slave. --db local (default): the node's own SQLite file in its data directory, as
# in the guide. --db shared: the cluster's database, one SQLite file every host sees at /mnt/cluster-db
# (standing in for the MySQL/PostgreSQL server a real cluster shares); deploy the master first: only a
# master migrates and seeds (admin, token, channels from catalog.json), slaves answer setup:false until
# it has. reset-db empties the cluster's database. postgres starts a real PostgreSQL server on the host
# (127.0.0.1:5432 there, database new-api with New API's tables) and prints its DSN.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "usage: fixtures.sh deploy HOST docker|compose|source TAG [--db local|shared] [--env NAME=VALUE]…" >&2
  echo "                          [--no-wait] [--timeout SECONDS]" >&2
  echo "       fixtures.sh reset HOST [--keep-images]" >&2
  echo "       fixtures.sh reset-db" >&2
  echo "       fixtures.sh postgres HOST" >&2
  exit 2
}

# Inside a host only its own /tmp, /opt, /srv… and the paths under $BED_DIR are visible, while the checkout
# may live anywhere (CI clones it into another folder, possibly under /tmp): hosts run the fixture scripts
# from a copy under $BED_DIR, one per content, made atomically (fixtures may be deployed in parallel).
host_fixtures() {
  local sum dir
  sum=$(cat "$BED_SRC"/fixtures/* | sha256sum | cut -c1-12)
  dir=$BED_DIR/fixtures-$sum
  if [ ! -d "$dir" ]; then
    cp -r "$BED_SRC/fixtures" "$dir.$$" && { mv -T "$dir.$$" "$dir" 2>/dev/null || rm -rf "$dir.$$"; }
  fi
  echo "$dir"
}

host_role() {
  local role
  role=$(sed -n "s/.*\"name\": \"$1\",.*\"role\": \"\([a-z]*\)\".*/\1/p" "$BED_DIR/state.json" 2>/dev/null)
  [ -n "$role" ] || die "no bed host named '$1' (is the bed up? \`sudo bash test/bed/bed.sh status\`)"
  echo "$role"
}

deploy() {
  [ $# -ge 3 ] || usage
  local host=$1 kind=$2 tag=$3 wait=yes timeout=90 db=local env=() role
  shift 3
  while [ $# -gt 0 ]; do
    case $1 in
    --db)
      [ $# -ge 2 ] && [[ $2 =~ ^(local|shared)$ ]] || die "--db needs local or shared"
      db=$2
      shift 2
      ;;
    --env)
      [ $# -ge 2 ] && [[ $2 == [A-Za-z_]*=* ]] || die "--env needs NAME=VALUE"
      env+=("$2")
      shift 2
      ;;
    --no-wait)
      wait=no
      shift
      ;;
    --timeout)
      [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] || die "--timeout needs seconds"
      timeout=$2
      shift 2
      ;;
    *) usage ;;
    esac
  done
  role=$(host_role "$host")
  grep -q "\"tag\": \"$tag\"" "$BED_SRC/catalog.json" || die "$tag is not a release in test/bed/catalog.json"
  local f
  f=$(host_fixtures)
  case $kind in
  docker) host_exec "$host" bash "$f/docker.sh" "$IMAGE" "$tag" "$role" "$db" "$timeout" "$wait" "${env[@]}" ;;
  compose)
    host_exec "$host" bash "$f/compose.sh" "$REGISTRY" "$IMAGE" "$tag" "$role" "$db" "$timeout" "$wait" "${env[@]}"
    ;;
  source)
    host_exec "$host" bash "$f/source.sh" "$BED_DIR/upstream/new-api.git" "$BED_DIR/upstream/vendor" "$tag" \
      "$role" "$db" "$timeout" "$wait" "${env[@]}"
    ;;
  *) die "unknown fixture kind '$kind' (docker, compose or source)" ;;
  esac
}

is_descendant() {
  local pid=$1 ancestors=" $2 " ppid
  while [ "$pid" -gt 1 ]; do
    case $ancestors in *" $pid "*) return 0 ;; esac
    ppid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null) || return 1
    pid=$ppid
  done
  return 1
}

# Processes left in the host by earlier deployments or action runs (a detached update step, the source
# fixture's server, a PostgreSQL server, SSH sessions): everything but the host's anchor, sshd and
# dockerd with its helpers.
kill_strays() {
  local host=$1 hr keep pid comm
  hr=$(host_root "$host")
  keep="$(host_pid "$host") $(cat "$hr/run/sshd.pid" 2>/dev/null || true) $(cat "$hr/run/docker.pid" 2>/dev/null || true)"
  for pid in $(cat "$(host_cgroup "$host")/cgroup.procs"); do
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
    [ "$comm" = containerd-shim ] && continue
    case " $keep " in *" $pid "*) continue ;; esac
    # dockerd's children (containerd, docker-proxy) belong to it; anything else goes.
    is_descendant "$pid" "$(cat "$hr/run/docker.pid" 2>/dev/null || echo 0)" && continue
    kill -KILL "$pid" 2>/dev/null || true
  done
}

reset() {
  [ $# -ge 1 ] || usage
  local host=$1 keep_images=no
  [ "${2:-}" = --keep-images ] && keep_images=yes
  host_role "$host" >/dev/null
  kill_strays "$host"
  host_exec "$host" bash "$(host_fixtures)/reset.sh" "$keep_images"
}

require_root "$@"
case ${1:-} in
deploy)
  shift
  deploy "$@"
  ;;
reset)
  shift
  reset "$@"
  ;;
postgres)
  [ $# -eq 2 ] || usage
  host_role "$2" >/dev/null
  host_exec "$2" bash "$(host_fixtures)/postgres.sh"
  ;;
reset-db)
  [ -d "$BED_DIR/cluster-db" ] || die "the bed is not up"
  find "$BED_DIR/cluster-db" -mindepth 1 -delete
  ;;
*) usage ;;
esac

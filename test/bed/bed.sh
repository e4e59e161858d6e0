#!/usr/bin/env bash
# The test bed: simulated New API hosts with real sshd and dockerd, a real registry and a fake GitHub API.
# See test/bed/README.md.
#   bed.sh up [--hosts N]   bring the bed up (tears down leftovers first), write $NAU_BED_DIR/state.json
#   bed.sh down             stop every process the bed started, remove namespaces, bridge and host state
#   bed.sh status           what is running (exit 3 when the bed is down or a part of it is)
#   bed.sh exec HOST CMD…   run a command inside a host (its namespaces, root's SSH environment)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(docker.io docker-registry docker-compose openssh-server golang-go golang-github-mattn-go-sqlite3-dev
  libsqlite3-dev sqlite3 sudo iproute2 git curl openssl)
MAX_HOSTS=100

ensure_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  command -v node >/dev/null || die "node is required (the fake GitHub API and the action run on it)"
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

cmd_down() {
  local ns h m
  stop_cgroup "$CG_ROOT"
  # dockerd created container cgroups in every v1 hierarchy, not only in the one the bed tracks.
  for h in /sys/fs/cgroup/*/nau-bed /sys/fs/cgroup/nau-bed; do
    if [ -d "$h" ]; then find "$h" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^nau-/ {print $1}'); do
    ip netns del "$ns"
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  # Host mounts live in the hosts' private mount namespaces and vanished with them; this only catches
  # a mount a debugging session left under the bed's directory in the root namespace.
  awk -v d="$BED_DIR/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
    umount -l "$m" || true
  done
  rm -rf "$BED_DIR/hosts" "$BED_DIR/run" "$BED_DIR/cluster-db" "$BED_DIR/state.json" "$BED_DIR/github-requests.jsonl"
}

ensure_user_keys() {
  local k=$BED_DIR/keys
  mkdir -p "$k"
  chmod 700 "$k"
  [ -f "$k/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C nau-bed -f "$k/id_ed25519"
  [ -f "$k/id_rsa_pem" ] || ssh-keygen -q -t rsa -b 2048 -m PEM -N bedpass -C nau-bed-rsa -f "$k/id_rsa_pem"
}

start_registry() {
  mkdir -p "$BED_DIR/registry"
  cat >"$BED_DIR/run/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $BED_DIR/registry
  delete:
    enabled: true
http:
  addr: $REGISTRY
EOF
  spawn "$CG_ROOT/registry" "$BED_DIR/run/registry.log" docker-registry serve "$BED_DIR/run/registry.yml" >/dev/null
  wait_for "registry" 20 curl -sf "http://$REGISTRY/v2/"
}

start_github() {
  local script=$BED_SRC/fake-github.mjs
  if [ ! -f "$script" ]; then
    log "no $script yet: fake GitHub API not started"
    return 0
  fi
  spawn "$CG_ROOT/github" "$BED_DIR/run/github.log" node "$script" --port "$GITHUB_PORT" \
    --catalog "$BED_SRC/catalog.json" --record "$BED_DIR/github-requests.jsonl" >/dev/null
  wait_for "fake GitHub API" 20 tcp_open 127.0.0.1 "$GITHUB_PORT"
}

# state.json: the bed's contract with bed.ts and other tools. One host per line (host_names relies on it).
write_state() {
  local n=$1 i t name addr role hosts='' sep='' github='' kh=$BED_DIR/known_hosts
  : >"$kh.tmp"
  for ((i = 0; i < n; i++)); do
    name=$(host_name "$i")
    addr=$(host_addr "$i")
    for t in ed25519 rsa ecdsa; do
      echo "$addr $(cut -d' ' -f1-2 "$BED_DIR/keys/hosts/$name/ssh_host_${t}_key.pub")" >>"$kh.tmp"
    done
    role=slave
    [ "$i" = 0 ] && role=master
    hosts+="$sep"$'\n'"    {\"name\": \"$name\", \"address\": \"$addr\", \"port\": 22, \"user\": \"root\", \"role\": \"$role\", \"netns\": \"nau-$name\", \"root\": \"$(host_root "$name")\", \"pid\": $(cat "$(host_pidfile "$name")"), \"cgroup\": \"$(host_cgroup "$name")\"}"
    sep=,
  done
  mv "$kh.tmp" "$kh"
  [ -f "$BED_SRC/fake-github.mjs" ] && github="http://127.0.0.1:$GITHUB_PORT"
  cat >"$BED_DIR/state.json.tmp" <<EOF
{
  "dir": "$BED_DIR",
  "registry": "$REGISTRY",
  "image": "$IMAGE",
  "githubApiUrl": "$github",
  "githubRecord": "$BED_DIR/github-requests.jsonl",
  "sshKey": "$BED_DIR/keys/id_ed25519",
  "sshKeyRsaPem": "$BED_DIR/keys/id_rsa_pem",
  "sshKeyRsaPemPassphrase": "bedpass",
  "knownHosts": "$kh",
  "sourceRepo": "$BED_DIR/upstream/new-api.git",
  "hosts": [$hosts
  ]
}
EOF
  mv "$BED_DIR/state.json.tmp" "$BED_DIR/state.json"
}

cmd_up() {
  local n=3 i t0=$SECONDS
  while [ $# -gt 0 ]; do
    case $1 in
    --hosts)
      [ $# -ge 2 ] || die "--hosts needs a number"
      n=$2
      shift 2
      ;;
    *) die "unknown option: $1 (usage: bed.sh up [--hosts N])" ;;
    esac
  done
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le $MAX_HOSTS ] || die "--hosts must be 1..$MAX_HOSTS"
  ensure_packages
  cmd_down
  mkdir -p "$BED_DIR/run" "$BED_DIR/hosts" "$CG_ROOT"
  ensure_user_keys
  for ((i = 0; i < n; i++)); do ensure_host_keys "$(host_name "$i")"; done

  ip link add "$BRIDGE" type bridge
  ip addr add "$BRIDGE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  start_registry
  start_github
  # Hosts boot while the images are checked (and, the first time, built and pushed).
  local starting=()
  for ((i = 0; i < n; i++)); do
    start_host "$(host_name "$i")" "$(host_addr "$i")" "$i" yes &
    starting+=($!)
  done
  for i in "${starting[@]}"; do wait "$i" || die "a host failed to start (see above)"; done
  bash "$BED_SRC/releases.sh"
  for ((i = 0; i < n; i++)); do wait_host "$(host_name "$i")" "$(host_addr "$i")" yes; done
  write_state "$n"
  log "up: $n hosts in $((SECONDS - t0))s; state in $BED_DIR/state.json"
}

cmd_status() {
  local rc=0 name addr d s c
  if [ ! -f "$BED_DIR/state.json" ]; then
    echo "the bed is down (no $BED_DIR/state.json)"
    return 3
  fi
  if curl -sf "http://$REGISTRY/v2/" >/dev/null; then echo "registry    $REGISTRY up"; else
    echo "registry    $REGISTRY DOWN"
    rc=3
  fi
  if [ -f "$BED_SRC/fake-github.mjs" ]; then
    if tcp_open 127.0.0.1 "$GITHUB_PORT"; then echo "github api  127.0.0.1:$GITHUB_PORT up"; else
      echo "github api  127.0.0.1:$GITHUB_PORT DOWN"
      rc=3
    fi
  fi
  for name in $(host_names); do
    addr=$(sed -n "s/.*\"name\": \"$name\", \"address\": \"\([^\"]*\)\".*/\1/p" "$BED_DIR/state.json")
    d=DOWN s=DOWN c=''
    host_docker_up "$name" >/dev/null 2>&1 && d=up
    tcp_open "$addr" 22 && s=up
    [ "$d" = up ] && c=$(curl -sf --unix-socket "$(host_root "$name")/run/docker.sock" \
      'http://docker/containers/json?all=1' | grep -o '"Names":\["/[^"]*"' | sed 's/.*\["\///; s/"$//' | tr '\n' ' ' || true)
    printf '%-10s %-12s dockerd %-4s sshd %-4s containers: %s\n' "$name" "$addr" "$d" "$s" "${c:-none}"
    [ "$d" = up ] && [ "$s" = up ] || rc=3
  done
  return $rc
}

case ${1:-} in
up)
  require_root "$@"
  shift
  cmd_up "$@"
  ;;
down)
  require_root "$@"
  cmd_down
  log "down"
  ;;
status)
  require_root "$@"
  cmd_status
  ;;
exec)
  require_root "$@"
  [ $# -ge 3 ] || die "usage: bed.sh exec HOST COMMAND [ARG…]"
  shift
  host_exec "$@"
  ;;
*)
  echo "usage: bed.sh up [--hosts N] | down | status | exec HOST COMMAND…" >&2
  exit 2
  ;;
esac

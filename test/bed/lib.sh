# Shared by bed.sh, releases.sh and fixtures.sh (sourced, never run). Names and addresses here are part of
# the bed's contract (state.json, README): change them only together with test/integration/bed.ts.

# Close every inherited descriptor above stderr: the bed starts long-lived daemons (registry, dockerd, sshd,
# New API), and one that inherited, say, the fd of a `flock` wrapped around a test run would hold that lock
# for as long as the bed is up. The caller's own copy of such an fd (and its lock) is unaffected.
for _fd in /proc/$$/fd/*; do
  _fd=${_fd##*/}
  [ "$_fd" -gt 2 ] 2>/dev/null && eval "exec $_fd>&-" 2>/dev/null
done
unset _fd

BED_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BED_SRC/../.." && pwd)
BED_DIR=${NAU_BED_DIR:-/var/lib/nau-bed}
BRIDGE=nau-br0
NET_PREFIX=10.77.0
BRIDGE_IP=$NET_PREFIX.1
REGISTRY=$BRIDGE_IP:5000
IMAGE_REPO=$(sed -n 's/^ *"imageRepo": *"\([^"]*\)".*/\1/p' "$BED_SRC/catalog.json")
IMAGE=$REGISTRY/$IMAGE_REPO
GITHUB_PORT=8299
# The PATH sshd gives root; used for commands entered with nsenter so they see what an SSH session sees.
HOST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf '[bed] %s\n' "$*" >&2; }
die() {
  printf '[bed] error: %s\n' "$*" >&2
  exit 1
}

# Called with the script's arguments, to say exactly what to run instead.
require_root() {
  local script
  script=$(realpath --relative-to="$PWD" "${BASH_SOURCE[-1]}")
  [[ $script == ../* ]] && script=$(realpath "${BASH_SOURCE[-1]}")
  [ "$(id -u)" = 0 ] || die "the test bed needs root (network namespaces, mounts, dockerd): run \`sudo bash $script $*\`"
}

# Every process the bed starts lives in one cgroup subtree, so `down` stops exactly those processes,
# including the ones that daemonize (containerd shims) and containers (dockerd's cgroup-parent points
# inside the subtree). cgroup v1 uses the pids hierarchy; a v2-only machine the unified one.
cgroup_root() {
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    echo /sys/fs/cgroup/nau-bed
  elif [ -d /sys/fs/cgroup/pids ]; then
    echo /sys/fs/cgroup/pids/nau-bed
  else
    die "no usable cgroup hierarchy (neither cgroup v2 nor the v1 pids controller is mounted)"
  fi
}
CG_ROOT=$(cgroup_root)

# Paths of one host (the holder is the process that owns the host's mount namespace).
host_root() { echo "$BED_DIR/hosts/$1"; }
host_cgroup() { echo "$CG_ROOT/$1/host"; }
host_pidfile() { echo "$BED_DIR/run/$1.pid"; }

host_pid() {
  local f pid
  f=$(host_pidfile "$1")
  [ -f "$f" ] || die "no bed host named '$1' (is the bed up? \`sudo bash test/bed/bed.sh status\`)"
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null || die "bed host '$1' is not running (its namespace holder $pid is gone)"
  echo "$pid"
}

# Runs a command inside a host: its network and mount namespaces and its cgroup (so anything it leaves
# running is stopped by `down`), with the environment an SSH session of root gets.
host_exec() {
  local name=$1 pid cg
  shift
  pid=$(host_pid "$name")
  cg=$(host_cgroup "$name")
  (
    echo "$BASHPID" >"$cg/cgroup.procs"
    exec nsenter -t "$pid" -m -n -u --wd=/root -- /usr/bin/env -i PATH="$HOST_PATH" HOME=/root USER=root LOGNAME=root \
      SHELL=/bin/bash LANG=C.UTF-8 "$@"
  )
}

# Names of the hosts listed in the last state.json, in order.
host_names() {
  [ -f "$BED_DIR/state.json" ] || return 0
  sed -n 's/.*"name": *"\([^"]*\)".*/\1/p' "$BED_DIR/state.json"
}

BED_USERS=(deploy deploy-nopw pwuser)

host_name() { if [ "$1" = 0 ]; then echo master; else echo "slave-$1"; fi; }
host_addr() { echo "$NET_PREFIX.$((10 + $1))"; }

# Starts a process detached, in its own cgroup of the bed's subtree, output to a log file. Prints its pid.
spawn() {
  local cg=$1 logfile=$2
  shift 2
  mkdir -p "$cg"
  (
    echo "$BASHPID" >"$cg/cgroup.procs"
    exec setsid "$@" >>"$logfile" 2>&1 </dev/null
  ) &
  echo $!
}

pids_in() { find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null || true; }

# Signals every process in the subtree: TERM, a short grace period, then KILL until none is left.
stop_cgroup() {
  local cg=$1 pids i
  [ -d "$cg" ] || return 0
  pids=$(pids_in "$cg")
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for i in $(seq 30); do
    [ -z "$(pids_in "$cg")" ] && return 0
    sleep 0.1
  done
  for i in $(seq 100); do
    pids=$(pids_in "$cg")
    [ -z "$pids" ] && return 0
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.1
  done
  die "processes left in $cg: $(pids_in "$cg")"
}

wait_for() {
  local what=$1 timeout=$2 i
  shift 2
  for i in $(seq $((timeout * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "$what did not come up within ${timeout}s"
}

tcp_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# Host keys are kept across runs, so a known_hosts file stays valid from one `up` to the next.
ensure_host_keys() {
  local k=$BED_DIR/keys/hosts/$1 t
  mkdir -p "$k"
  for t in ed25519 rsa ecdsa; do
    [ -f "$k/ssh_host_${t}_key" ] || ssh-keygen -q -t "$t" -N '' -C "root@$1" -f "$k/ssh_host_${t}_key"
  done
}

# The users a bed host has besides the machine's own: `deploy` (password-less sudo), `deploy-nopw` (sudo
# asks a password), `pwuser` (password login). Written into the host's own copy of /etc.
add_users() {
  local etc=$1 uid=2001 u hash nopw_hash pw_hash
  nopw_hash=$(openssl passwd -6 -salt naubedsalt0 'deploy-nopw-secret')
  pw_hash=$(openssl passwd -6 -salt naubedsalt1 'pwpass123')
  for u in "${BED_USERS[@]}"; do
    case $u in
    deploy) hash='*' ;;
    deploy-nopw) hash=$nopw_hash ;;
    pwuser) hash=$pw_hash ;;
    esac
    echo "$u:x:$uid:$uid::/home/$u:/bin/bash" >>"$etc/passwd"
    echo "$u:$hash:20000:0:99999:7:::" >>"$etc/shadow"
    echo "$u:x:$uid:" >>"$etc/group"
    echo "$u:!::" >>"$etc/gshadow"
    uid=$((uid + 1))
  done
}

# The host's private directories (bound over the real ones by hostinit.sh): a copy of the machine's /etc
# with the host's own name, users, sshd and dockerd configuration.
prepare_host() {
  local name=$1 addr=$2 hr authorized u uid=2001
  hr=$(host_root "$name")
  mkdir -p "$hr/root/.ssh" "$hr/tmp" "$hr/var/tmp" "$hr/var/log" "$hr/run"
  chmod 1777 "$hr/tmp" "$hr/var/tmp"
  chmod 700 "$hr/root" "$hr/root/.ssh"
  rm -rf "$hr/etc"
  cp -a /etc "$hr/etc"
  echo "$name" >"$hr/etc/hostname"
  printf '127.0.0.1\tlocalhost\n%s\t%s\n' "$addr" "$name" >"$hr/etc/hosts"
  add_users "$hr/etc"

  authorized="$(cat "$BED_DIR/keys/id_ed25519.pub" "$BED_DIR/keys/id_rsa_pem.pub")"
  echo "$authorized" >"$hr/root/.ssh/authorized_keys"
  for u in "${BED_USERS[@]}"; do
    mkdir -p "$hr/home/$u/.ssh"
    echo "$authorized" >"$hr/home/$u/.ssh/authorized_keys"
    chmod 700 "$hr/home/$u" "$hr/home/$u/.ssh"
    chown -R "$uid:$uid" "$hr/home/$u"
    uid=$((uid + 1))
  done
  printf 'deploy ALL=(ALL:ALL) NOPASSWD: ALL\ndeploy-nopw ALL=(ALL:ALL) ALL\n' >"$hr/etc/sudoers.d/bed-users"
  chmod 0440 "$hr/etc/sudoers.d/bed-users"

  rm -rf "$hr"/etc/ssh/ssh_host_* "$hr/etc/ssh/sshd_config.d" "$hr/etc/docker"
  mkdir -p "$hr/etc/docker"
  cp -p "$BED_DIR/keys/hosts/$name"/* "$hr/etc/ssh/"
  cat >"$hr/etc/ssh/sshd_config" <<EOC
# bed host $name ($addr)
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
HostKey /etc/ssh/ssh_host_rsa_key
HostKey /etc/ssh/ssh_host_ecdsa_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM yes
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
# Benchmarks open many connections and sessions at once.
MaxStartups 200:30:400
MaxSessions 100
EOC
  cat >"$hr/etc/docker/daemon.json" <<EOC
{
  "storage-driver": "vfs",
  "insecure-registries": ["$REGISTRY"],
  "cgroup-parent": "/nau-bed/$name/containers",
  "log-level": "warn"
}
EOC
}

# A host: network namespace nau-<name> with a veth on the bridge, private mount and UTS namespaces anchored
# by hostinit.sh, which starts the host's dockerd (and sshd unless with_sshd is "no").
start_host() {
  local name=$1 addr=$2 veth=nau-h$3 with_sshd=$4 ns=nau-$1 pid
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$BRIDGE" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via "$BRIDGE_IP"
  prepare_host "$name" "$addr"
  mkdir -p "$BED_DIR/cache/go-build" "$BED_DIR/cluster-db"
  pid=$(BED_GO_CACHE=$BED_DIR/cache/go-build BED_CLUSTER_DB=$BED_DIR/cluster-db spawn "$(host_cgroup "$name")" "$BED_DIR/run/$name.log" \
    nsenter --net="/run/netns/$ns" -- unshare --mount --uts --propagation private -- \
    bash "$BED_SRC/hostinit.sh" "$(host_root "$name")" "$with_sshd")
  echo "$pid" >"$(host_pidfile "$name")"
}

host_docker_up() { curl -sf --unix-socket "$(host_root "$1")/run/docker.sock" http://docker/_ping; }

wait_host() {
  local name=$1 addr=$2 with_sshd=$3 hr
  hr=$(host_root "$name")
  (wait_for "dockerd of $name" 60 host_docker_up "$name") ||
    die "$(tail -n 20 "$BED_DIR/run/$name.log" "$hr/var/log/dockerd.log" 2>&1)"
  if [ "$with_sshd" = yes ]; then
    (wait_for "sshd of $name" 30 tcp_open "$addr" 22) || die "$(tail -n 20 "$hr/var/log/sshd.log" 2>&1)"
  fi
}

# Stops a host's processes and removes its namespace and state.
remove_host() {
  stop_cgroup "$CG_ROOT/$1"
  ip netns del "nau-$1" 2>/dev/null || true
  rm -rf "$(host_root "$1")" "$(host_pidfile "$1")"
}

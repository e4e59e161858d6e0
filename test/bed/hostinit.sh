# Runs as the first process of a bed host, already inside the host's network namespace and a fresh
# private mount namespace (see start_host in bed.sh). It gives the host its own view of the paths a real
# machine keeps to itself, starts the host's dockerd and sshd, then stays alive as the namespace's anchor:
# bed.ts and fixtures enter the host with `nsenter -t <this pid>`.
# Usage: hostinit.sh <host root dir> <with-sshd: yes|no>
set -euo pipefail
root=$1
with_sshd=$2

# sysfs shows the network devices of the namespace that mounted it: remount it so dockerd sees this
# host's interfaces, keeping the cgroup mounts beneath it (runc needs them).
mkdir -p "$root/.cgroup"
mount --rbind /sys/fs/cgroup "$root/.cgroup"
mount -t sysfs sysfs /sys
mount --rbind "$root/.cgroup" /sys/fs/cgroup
umount -l "$root/.cgroup"
rmdir "$root/.cgroup"

# Directories a host has to itself: its configuration (/etc: users, sshd, dockerd, sudoers, hostname),
# New API's data and backups, the action's lock/audit state, docker's state and socket, users' homes,
# temp files, logs. /etc is a whole directory, not single files: a file bind mount is silently dropped
# when the root namespace replaces that file (useradd renames a new /etc/shadow into place).
for d in /etc /var/backups /opt /srv /data /var/lib/new-api-update /var/lib/docker /home /root /tmp /var/tmp \
  /var/log /run; do
  mkdir -p "$d" "$root$d"
  mount --bind "$root$d" "$d"
done
hostname "$(cat /etc/hostname)"
mkdir -p /run/sshd /run/lock /root/.cache/go-build
chmod 0755 /run/sshd
# The cluster's database: the one place all hosts share, standing in for a database server.
mkdir -p /mnt/cluster-db
mount --bind "$BED_CLUSTER_DB" /mnt/cluster-db
# One Go build cache for all hosts: source builds are compiled once, not once per host (cgo sqlite is slow).
mount --bind "$BED_GO_CACHE" /root/.cache/go-build

dockerd >>/var/log/dockerd.log 2>&1 </dev/null &
if [ "$with_sshd" = yes ]; then
  /usr/sbin/sshd -D -E /var/log/sshd.log </dev/null &
fi
exec sleep infinity

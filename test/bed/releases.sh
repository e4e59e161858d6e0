#!/usr/bin/env bash
# Publishes every release of catalog.json the way upstream publishes it, for the bed:
#   images    <registry>/calciumion/new-api:<tag> (FROM scratch, the stub binary at the release's path),
#             plus :latest on the most recently published tag, like Docker Hub; and the compose
#             fixture's sidecars <registry>/library/postgres:15-stub and <registry>/library/redis:7-stub
#   git       $BED_DIR/upstream/new-api.git: one commit per release, tagged, that the source fixture
#             clones (with $BED_DIR/upstream/vendor, the third-party code a user's checkout would have)
# Skipped when the registry and the repository already hold releases built from the same inputs (a hash
# of the stub, the catalog and the bed's build files): only the first `bed.sh up` builds. FORCE=1 rebuilds.
# Needs the bed's registry running (bed.sh up calls this).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STUB=$REPO_ROOT/test/stub
BUILD=$BED_DIR/build
UPSTREAM=$BED_DIR/upstream
STAMP=$BED_DIR/releases.sha256
SIDECARS=("postgres:15-stub postgres" "redis:7-stub redis-server")
# The module path upstream had before it moved to github.com/QuantumNous/new-api (~v0.9.7); releases
# whose binary is still /one-api get it in the source repository, so version ldflags must read go.mod.
OLD_MODULE=one-api
NEW_MODULE=github.com/QuantumNous/new-api

# "tag binary published_at" per release, oldest first.
releases() {
  node -e 'const c = require(process.argv[1]);
    for (const r of [...c.releases].sort((a, b) => a.published_at.localeCompare(b.published_at)))
      console.log(r.tag, r.binary, r.published_at)' "$BED_SRC/catalog.json"
}

# The stub's sources without what its build generates (see its .gitignore).
stub_files() {
  (cd "$STUB" && find . -type f ! -path './vendor/*' ! -path './web/dist/*' ! -path './web/node_modules/*' \
    ! -path './web/package-lock.json' ! -path ./new-api ! -path ./one-api ! -path ./.build.lock | sort)
}

inputs_hash() {
  {
    (cd "$STUB" && stub_files | xargs sha256sum)
    sha256sum "$BED_SRC/catalog.json" "$BED_SRC/releases.sh" "$BED_SRC"/sidecar/*
  } | sha256sum | cut -d' ' -f1
}

registry_has() {
  curl -sf "http://$REGISTRY/v2/$1/manifests/$2" -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -o /dev/null
}

all_published() {
  local tag _rest s
  [ -f "$UPSTREAM/vendor/modules.txt" ] || return 1
  while read -r tag _rest; do
    registry_has "$IMAGE_REPO" "$tag" || return 1
    git -C "$UPSTREAM/new-api.git" rev-parse -q --verify "refs/tags/$tag" >/dev/null || return 1
  done < <(releases)
  registry_has "$IMAGE_REPO" latest || return 1
  for s in "${SIDECARS[@]}"; do
    s=${s%% *}
    registry_has "library/${s%%:*}" "${s#*:}" || return 1
  done
}

build_binary() {
  local tag=$1 out=$2
  [ -f "$STUB/build.sh" ] || die "test/stub/build.sh is missing"
  bash "$STUB/build.sh" "$tag" "$out" >"$out.log" 2>&1 || {
    cat "$out.log" >&2
    die "test/stub/build.sh $tag failed"
  }
}

# Release images differ the way upstream's do when the binary moved from /one-api to /new-api (another
# base image, another PATH): recreating a container must carry over only what the user set, not the
# old image's defaults.
write_release_context() {
  local tag=$1 binary=$2 path
  case $binary in
  /one-api) path=/usr/local/bin:/usr/bin:/bin ;;
  *) path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ;;
  esac
  cat >"$BUILD/$tag/Dockerfile" <<EOF
FROM scratch
COPY server $binary
ENV PATH=$path
WORKDIR /data
EXPOSE 3000
LABEL org.opencontainers.image.version="$tag" org.opencontainers.image.source="https://github.com/QuantumNous/new-api"
ENTRYPOINT ["$binary"]
EOF
}

write_sidecar_context() {
  local ref=$1 cmd=$2 ctx=$BUILD/sidecar-${1%%:*}
  mkdir -p "$ctx"
  cp "$BUILD/sidecar" "$ctx/sidecar"
  cat >"$ctx/Dockerfile" <<EOF
FROM scratch
COPY sidecar /usr/local/bin/sidecar
ENTRYPOINT ["/usr/local/bin/sidecar"]
CMD ["$cmd"]
EOF
}

build_images() {
  local latest=$1 s
  {
    while read -r tag _rest; do echo "$IMAGE:$tag $BUILD/$tag"; done < <(releases)
    for s in "${SIDECARS[@]}"; do
      s=${s%% *}
      echo "$REGISTRY/library/$s $BUILD/sidecar-${s%%:*}"
    done
  } >"$BUILD/images"
  trap 'remove_host builder' EXIT
  remove_host builder
  ensure_host_keys builder
  start_host builder "$NET_PREFIX.2" build no
  wait_host builder "$NET_PREFIX.2" no
  export -f host_exec host_pid host_pidfile host_cgroup die
  export BED_DIR CG_ROOT HOST_PATH
  # BuildKit: one step per image instead of one vfs copy per Dockerfile instruction.
  local dk='host_exec builder env DOCKER_BUILDKIT=1 /usr/bin/docker'
  xargs -P 3 -L 1 bash -c "$dk"' build -q -t "$0" "$1" >/dev/null' <"$BUILD/images"
  $dk tag "$IMAGE:$latest" "$IMAGE:latest"
  { echo "$IMAGE:latest" && cut -d' ' -f1 "$BUILD/images"; } | xargs -P 4 -L 1 bash -c "$dk"' push -q "$0" >/dev/null'
  remove_host builder
  trap - EXIT
}

# A commit per release, oldest first, each tagged, with VERSION holding its tag (the stub acts as the
# release its VERSION names when no version was injected at build time, as upstream's plain builds do).
build_source_repo() {
  local work=$BUILD/source tag binary published
  rm -rf "$UPSTREAM" "$work"
  mkdir -p "$UPSTREAM" "$work"
  git -C "$work" init -q -b main
  while read -r tag binary published; do
    find "$work" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
    (cd "$STUB" && stub_files | tar -cf - -T -) | tar -xf - -C "$work"
    echo "$tag" >"$work/VERSION"
    if [ "$binary" = /one-api ]; then
      sed -i "s#^module $NEW_MODULE\$#module $OLD_MODULE#" "$work/go.mod"
      find "$work" -name '*.go' -exec sed -i "s#\"$NEW_MODULE/#\"$OLD_MODULE/#" {} +
      find "$work" -name '*.sh' -exec sed -i "s#'$NEW_MODULE/common#'$OLD_MODULE/common#g" {} +
    fi
    git -C "$work" add -A
    GIT_AUTHOR_DATE=$published GIT_COMMITTER_DATE=$published git -C "$work" -c user.name='New API' \
      -c user.email=release@new-api.invalid commit -q -m "release $tag"
    git -C "$work" tag "$tag"
  done < <(releases)
  git clone -q --bare "$work" "$UPSTREAM/new-api.git"
  cp -a "$STUB/vendor" "$UPSTREAM/vendor"
}

main() {
  require_root "$@"
  local hash tag binary published latest='' latest_at='' s t0=$SECONDS
  hash=$(inputs_hash)
  if [ "$(cat "$STAMP" 2>/dev/null)" = "$hash" ] && [ "${FORCE:-}" != 1 ] && all_published; then
    log "releases up to date"
    return 0
  fi
  log "publishing the catalog's releases (first run, or test/stub or the catalog changed)"
  rm -rf "$BUILD" "$STAMP"
  mkdir -p "$BUILD"
  (cd "$BED_SRC/sidecar" && CGO_ENABLED=0 GOFLAGS=-mod=mod GOPROXY=off go build -ldflags '-s -w' -o "$BUILD/sidecar" .)
  for s in "${SIDECARS[@]}"; do write_sidecar_context $s; done
  # build.sh serialises on a lock, so the binaries are built one after another.
  while read -r tag binary published; do
    mkdir -p "$BUILD/$tag"
    write_release_context "$tag" "$binary"
    if [[ $published > $latest_at ]]; then latest=$tag latest_at=$published; fi
    build_binary "$tag" "$BUILD/$tag/server"
  done < <(releases)
  log "binaries built in $((SECONDS - t0))s"
  build_source_repo
  build_images "$latest"
  all_published || die "releases were published but the registry or the repository misses some"
  rm -rf "$BUILD"
  echo "$hash" >"$STAMP"
  log "releases published in $((SECONDS - t0))s (latest = $latest)"
}

main "$@"

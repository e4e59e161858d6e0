#!/usr/bin/env bash
# Builds the New API stub the way upstream builds New API: the web UI first (the binary
# embeds web/dist), then a static Go binary with the release tag injected by ldflags.
#
#   test/stub/build.sh <tag> <outfile>    e.g. build.sh v0.10.1 /tmp/img/new-api
#   test/stub/build.sh --prepare          only vendor/ and web/dist (enough for `go test ./...`)
#
# Offline: go-sqlite3 comes from Debian (golang-github-mattn-go-sqlite3-dev) and is copied
# into vendor/ (never committed). Installs the Debian packages it needs when they are missing.
# Fast when nothing changed: an up-to-date <outfile> for the same tag is kept.
set -euo pipefail

usage() {
	echo "usage: $0 <tag> <outfile> | $0 --prepare" >&2
	exit 2
}
[[ $# -ge 1 ]] || usage
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sqlite_src=/usr/share/gocode/src/github.com/mattn/go-sqlite3
packages=(golang-go gcc libc6-dev libsqlite3-dev golang-github-mattn-go-sqlite3-dev nodejs)

ensure_packages() {
	local missing=()
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[[ ${#missing[@]} -eq 0 ]] && return
	echo "build.sh: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
		{ apt-get update >&2 && apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
}

# vendor_sqlite copies the package's build files the way `go mod vendor` would (no tests, no
# examples) and records the version go.mod requires, so -mod=vendor builds need no network.
vendor_sqlite() {
	local dest=$here/vendor/github.com/mattn/go-sqlite3 stamp=$here/vendor/.debian-package
	local pkg required
	pkg=$(dpkg-query -W -f='${Package} ${Version}' golang-github-mattn-go-sqlite3-dev)
	[[ -f $stamp && $(cat "$stamp") == "$pkg" ]] && return
	required=$(awk '$1 == "require" && $2 == "github.com/mattn/go-sqlite3" { print $3 }' "$here/go.mod")
	rm -rf "$here/vendor"
	mkdir -p "$dest"
	find "$sqlite_src" -maxdepth 1 -type f \( -name '*.go' -o -name '*.c' -o -name '*.h' -o -name LICENSE \) \
		! -name '*_test.go' -exec cp {} "$dest/" \;
	printf '# github.com/mattn/go-sqlite3 %s\n## explicit; go 1.16\ngithub.com/mattn/go-sqlite3\n' "$required" \
		>"$here/vendor/modules.txt"
	echo "$pkg" >"$stamp"
}

up_to_date() {
	local out=$1 tag=$2
	[[ -x $out ]] || return 1
	[[ $(env -u VERSION STUB_FAULT=none "$out" --version 2>/dev/null) == "$tag" ]] || return 1
	[[ -z $(find "$here" -type f -newer "$out" ! -path "$here/vendor/*" ! -path "$here/web/dist/*" \
		! -path "$here/web/node_modules/*" ! -name .build.lock -print -quit) ]]
}

# web/dist is rebuilt only when stale, so parallel builds never read a half-written file.
build_web() {
	[[ -f $here/web/dist/index.html && ! $here/web/build.mjs -nt $here/web/dist/index.html ]] && return
	node "$here/web/build.mjs" >&2
}

ensure_packages
# vendor/ and web/dist are shared: prepare them under a lock; the go builds may then run in parallel.
exec 9>"$here/.build.lock"
flock -w 900 9
vendor_sqlite
build_web
flock -u 9
[[ $1 == --prepare ]] && exit 0
[[ $# -eq 2 ]] || usage
tag=$1
out=$(realpath -m "$2")
if up_to_date "$out" "$tag"; then
	echo "build.sh: $out is already $tag" >&2
	exit 0
fi
mkdir -p "$(dirname "$out")"
cd "$here"
CGO_ENABLED=1 GOFLAGS=-mod=vendor GOPROXY=off go build -trimpath \
	-tags 'osusergo netgo sqlite_omit_load_extension' \
	-ldflags "-s -w -X 'github.com/QuantumNous/new-api/common.Version=${tag}' -linkmode external -extldflags '-static -lm'" \
	-o "$out" .
echo "build.sh: built $out ($tag)" >&2

#!/usr/bin/env bash
# Repeatable end-to-end check of the stub as the bed ships it: builds the static binary with
# build.sh, runs it on 127.0.0.1 in a temporary data directory, probes it with curl, copies
# the live database with `sqlite3 .backup`, stops it with SIGTERM, then runs `go test ./...`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
pid=
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "smoke: FAIL: $*" >&2
	[[ -f $tmp/stdout ]] && cat "$tmp/stdout" "$tmp/stderr" >&2
	exit 1
}
for tool in curl jq sqlite3 file; do
	command -v "$tool" >/dev/null || fail "$tool is not installed"
done

"$here/build.sh" v0.10.1 "$tmp/new-api"
file "$tmp/new-api" | grep -q 'statically linked' || fail "the binary is not static: $(file "$tmp/new-api")"

port=39317
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
base=http://127.0.0.1:$port
mkdir "$tmp/data"
(cd "$tmp/data" && exec env -i PORT="$port" STUB_LISTEN_HOST=127.0.0.1 "$tmp/new-api" >"$tmp/stdout" 2>"$tmp/stderr") &
pid=$!
for _ in $(seq 100); do
	curl -fsS "$base/api/status" -o "$tmp/status" 2>/dev/null && break
	sleep 0.05
done
[[ -s $tmp/status ]] || fail "not ready"

[[ $(jq -r '.data.version, .data.setup' "$tmp/status" | tr '\n' ' ') == "v0.10.1 true " ]] || fail "status: $(cat "$tmp/status")"
curl -fsS -D - -o /dev/null "$base/api/status" | grep -qi '^x-new-api-version: v0.10.1' || fail "no X-New-Api-Version"
auth=(-H "Authorization: Bearer stubadminaccesstoken0000000000001" -H "New-Api-User: 1")
[[ $(curl -fsS "${auth[@]}" "$base/api/user/self" | jq -r .data.role) == 100 ]] || fail "access token"
token=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"root","password":"123456"}' \
	"$base/api/user/login" | jq -r .data.access_token)
[[ $(curl -fsS -H "Authorization: Bearer $token" "$base/api/channel/?p=1&page_size=100" | jq -c '[.data.items[].status]') == "[1,1,1,2]" ]] ||
	fail "channels"
[[ $(curl -fsS -H "Authorization: Bearer sk-stubapikey000000000000000000000000000000000001" "$base/v1/models" | jq '.data | length') == 4 ]] ||
	fail "models"
[[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer sk-wrong" "$base/v1/models") == 401 ]] || fail "bad key"
for f in one-api.db one-api.db-wal one-api.db-shm; do [[ -f $tmp/data/$f ]] || fail "missing $f"; done

sqlite3 "$tmp/data/one-api.db" ".backup '$tmp/backup.db'"
[[ $(sqlite3 "$tmp/backup.db" 'PRAGMA integrity_check; SELECT count(*) FROM channels;' | tr '\n' ' ') == "ok 4 " ]] ||
	fail "backup of the live database"

kill -TERM "$pid"
wait "$pid" || fail "exit $? on SIGTERM"
pid=
grep -q 'database migration started' "$tmp/stdout" || fail "no migration line"
grep -q 'ready in [0-9]* ms' "$tmp/stdout" || fail "no banner"
echo "smoke: static binary OK"

cd "$here"
GOFLAGS=-mod=vendor GOPROXY=off go test -count=1 ./...
echo "smoke: PASS"

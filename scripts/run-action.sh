#!/usr/bin/env bash
# Runs the BUNDLED action (node dist/index.js) against the test bed, with inputs passed the way the
# runner passes them (INPUT_<NAME>, upper-cased, hyphens kept). Shared by the demo and the benchmarks.
#   run-action.sh VERSION HOSTS_YAML [INPUT-NAME=VALUE]...
# Prints the action's log; writes GITHUB_OUTPUT / GITHUB_STEP_SUMMARY to $RUN_DIR (default: a temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."
BED_DIR=${NAU_BED_DIR:-/var/lib/nau-bed}
state=$BED_DIR/state.json
[ -f "$state" ] || { echo "the test bed is not up: sudo bash test/bed/bed.sh up" >&2; exit 2; }
json() { node -e 'const s=require(process.argv[1]); console.log(process.argv[2].split(".").reduce((o,k)=>o[k],s))' "$state" "$1"; }

version=$1 hosts=$2
shift 2
RUN_DIR=${RUN_DIR:-$(mktemp -d)}
: >"$RUN_DIR/output" && : >"$RUN_DIR/summary" && : >"$RUN_DIR/state"
seed() { node -e 'console.log(require("./test/bed/catalog.json").seed[process.argv[1]])' "$1"; }

env_args=(
  "INPUT_VERSION=$version"
  "INPUT_HOSTS=$hosts"
  "INPUT_IMAGE=$(json image)"
  "INPUT_RELEASES-API-URL=$(json githubApiUrl)"
  "INPUT_GITHUB-TOKEN=demo-token"
  "INPUT_SSH-PRIVATE-KEY=$(cat "$(json sshKey)")"
  "INPUT_SSH-KNOWN-HOSTS=$(cat "$(json knownHosts)")"
  "INPUT_ADMIN-USERNAME=$(seed adminUsername)"
  "INPUT_ADMIN-PASSWORD=$(seed adminPassword)"
  "INPUT_API-KEY=$(seed apiKey)"
  "INPUT_SSH-TIMEOUT=10"
  "INPUT_HEALTH-TIMEOUT=60"
  "INPUT_STABILITY-SECONDS=5"
  "INPUT_LOCK-TIMEOUT=10"
  "INPUT_COMMENT-ON-PR=false"
)
for kv in "$@"; do name=${kv%%=*}; env_args+=("INPUT_${name^^}=${kv#*=}"); done

rc=0
env -i PATH="$PATH" HOME="${HOME:-/root}" TZ=UTC \
  GITHUB_OUTPUT="$RUN_DIR/output" GITHUB_STEP_SUMMARY="$RUN_DIR/summary" GITHUB_STATE="$RUN_DIR/state" \
  GITHUB_API_URL="$(json githubApiUrl)" GITHUB_REPOSITORY=demo/new-api-ops GITHUB_RUN_ID="${GITHUB_RUN_ID:-$RANDOM$RANDOM}" \
  GITHUB_RUN_ATTEMPT=1 GITHUB_EVENT_NAME=workflow_dispatch GITHUB_ACTOR=demo \
  "${env_args[@]}" node dist/index.js || rc=$?
echo "$RUN_DIR" >"${RUN_DIR_FILE:-/dev/null}"
exit "$rc"

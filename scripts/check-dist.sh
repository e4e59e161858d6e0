#!/usr/bin/env bash
# Fails when the committed dist/ differs from a fresh bundle of src/, or holds native .node files.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s bundle >/dev/null
if [ -n "$(git status --porcelain -- dist)" ]; then
  git status --short -- dist
  echo "dist/ is stale: run 'npm run bundle' and commit dist/" >&2
  exit 1
fi
if find dist -name '*.node' | grep -q .; then
  echo "dist/ contains native .node files (bundle after 'npm ci --ignore-scripts')" >&2
  exit 1
fi
echo "dist/ is up to date"

#!/usr/bin/env bash
# Unit tests of the test rig's stand-in providers (sandbox/providers): each behaviour where they
# must match upstream has a test here. Uses the toolchain build's Go caches (no downloads after
# `bash scripts/setup.sh`).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${XINGRIN_TOOLCHAIN_DIR:-/var/cache/xingrin-deploy/toolchain}
export GOMODCACHE=$dir/go/mod GOCACHE=$dir/go/build GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN=${GOTOOLCHAIN:-local}
command -v go >/dev/null || PATH=$PATH:/usr/local/go/bin
for provider in command docker; do
  echo "[stand-ins] go test sandbox/providers/$provider"
  (cd "$repo/sandbox/providers/$provider" && go vet ./... && go test ./...)
done

#!/usr/bin/env bash
# One-time (and idempotent) set-up of a machine to run XingRin Deploy and its tests, offline-capable:
# npm packages from the lock file, then the Pulumi CLI and providers built from Go modules
# (reused from the cache outside the repo when already built).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "[setup] npm packages (npm ci; install scripts are off, see .npmrc)"
npm ci --no-audit --no-fund

echo "[setup] Pulumi toolchain (sandbox/toolchain/build.sh; minutes the first time, seconds after)"
bash sandbox/toolchain/build.sh

echo "[setup] done. Use the toolchain with: source sandbox/toolchain/env.sh"

#!/usr/bin/env bash
# Runs a command with the test rig's Pulumi toolchain (sandbox/toolchain: CLI, stand-in providers) on PATH and the no-download switches
# set. Fails, rather than skipping anything, when the toolchain has not been built.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../sandbox/toolchain/env.sh
. "$here/sandbox/toolchain/env.sh"
if ! command -v pulumi >/dev/null 2>&1; then
    echo "pulumi is not on PATH: run \`bash scripts/setup.sh\` (it builds the toolchain offline) first" >&2
    exit 1
fi
exec "$@"

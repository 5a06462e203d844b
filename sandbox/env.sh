# shellcheck shell=bash
# Source this (`source sandbox/env.sh`) to run the README's pulumi commands by hand on the sandbox
# stack: the rig's toolchain, and the sandbox stack's own state store and passphrase (never those
# of a real stack). Sets variables only; sandbox/deploy.sh sources it too.
_sandbox_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=toolchain/env.sh
. "$_sandbox_repo/sandbox/toolchain/env.sh"
XINGRIN_SANDBOX_DIR=${XINGRIN_SANDBOX_DIR:-/var/lib/xingrin-sandbox}
export XINGRIN_SANDBOX_DIR
# The sandbox stack's state lives in the sandbox (down.sh removes it); the passphrase only guards
# the sandbox's generated secrets.
export PULUMI_BACKEND_URL=file://$XINGRIN_SANDBOX_DIR/pulumi-state
export PULUMI_CONFIG_PASSPHRASE=xingrin-sandbox
unset PULUMI_CONFIG_PASSPHRASE_FILE PULUMI_ACCESS_TOKEN
unset _sandbox_repo

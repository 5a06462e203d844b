#!/usr/bin/env bash
# Bring up a local XingRin "fleet" to deploy to, from Debian's packages only:
#   - the MAIN Docker daemon: the sandbox's own, on $STATE/main/docker.sock (never the machine's),
#   - a registry on 127.0.0.1:5000 holding stand-in XingRin images v1.1.0 and v1.2.0
#     (127.0.0.1:5000/yyhuni/xingrin-<service>:<tag>) and 127.0.0.1:5000/library/redis:7-alpine,
#   - worker hosts worker-N = sshd on 10.200.N.1:22 (its bridge) + its own Docker daemon.
# Writes $STATE/sandbox.json describing it. Idempotent: re-running only fixes what is missing.
# Everything it creates lives under $STATE and publishes only on loopback. It refuses to start
# where a XingRin it did not create runs or holds data (lib/guard.sh; exit code 3).
#
# Usage: sandbox/up.sh        (as root)
# Env:   XINGRIN_SANDBOX_DIR  state dir (default /var/lib/xingrin-sandbox)
#        XINGRIN_SANDBOX_WORKERS (default 2), XINGRIN_SANDBOX_SSH_PORT (default 22)
# Undo:  sandbox/down.sh [--purge]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
for f in guard packages main-daemon registry debian-base images tls workers fleet-json; do
  # shellcheck disable=SC1090
  . "$here/lib/$f.sh"
done
trap on_exit_report EXIT

[ "$(id -u)" = 0 ] || { echo "up.sh must run as root (it starts daemons and creates bridges)" >&2; exit 1; }
start=$SECONDS
take_lock
chmod 755 "$STATE"   # sshd's StrictModes rejects group/world-writable parents of authorized_keys

step "no XingRin next door"; refuse_next_to_xingrin
step "packages";           ensure_packages
step "main docker daemon"; ensure_main_daemon
step "registry";           ensure_registry
step "stand-in images";    ensure_images
step "TLS certificate";    ensure_tls_certificate
step "worker hosts";       ensure_workers
step "sandbox.json";       write_fleet_json
CURRENT_STEP="done"
print_summary
log "up.sh finished in $((SECONDS - start))s"

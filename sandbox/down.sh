#!/usr/bin/env bash
# Tear down everything sandbox/up.sh and sandbox deployments created, and nothing else:
#   - the worker hosts (sshd, the sandbox's own dockerd with all its containers, bridge);
#   - the main server's dockerd, which is the sandbox's own (lib/main-daemon.sh), with all it ran;
#   - the registry process, and the benchmark's limited-link registry (namespace, veth, relay);
#   - the sandbox stack: its state ($STATE/pulumi-state), its stack file Pulumi.sandbox.yaml in
#     this repo, and the data dir its deployments wrote ($STATE/data).
# Nothing outside $STATE is touched but that stack file and the sandbox's bridges: the machine's
# own Docker and any XingRin on it are never looked at.
# Kept by default, so the next up.sh is warm: the image cache (registry storage and image
# stamps). --purge deletes the whole state dir.
# Idempotent: safe to run when nothing (or only part) is up.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
. "$here/lib/registry.sh"
. "$here/lib/workers.sh"
. "$here/lib/main-daemon.sh"
trap on_exit_report EXIT

purge=0
case "${1:-}" in
  --purge) purge=1 ;;
  "") ;;
  *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
esac

if [ ! -d "$STATE" ]; then
  log "no state dir $STATE: nothing to tear down"
  exit 0
fi
take_lock

step "worker hosts"
# In parallel: each dockerd takes a few seconds to shut down.
pids=()
for wd in "$STATE"/workers/worker-*; do
  [ -d "$wd" ] || continue
  stop_worker "${wd##*/worker-}" & pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || die "stopping a worker host failed (message above)"; done
rm -rf "$STATE/workers"

step "main docker daemon"
stop_main_daemon

step "registry"
stop_registry
# The benchmark's registry behind a limited link, if a bench run left it up (its storage stays).
bash "$here/limited-registry.sh" down

step "sandbox stack and its data"
rm -rf "$PULUMI_STATE_DIR" "$SANDBOX_DATA_DIR" "$STATE/ssh" "$FLEET_JSON"
rm -f "$SANDBOX_ROOT/../Pulumi.sandbox.yaml"

if [ "$purge" = 1 ]; then
  step "purge state dir"
  if grep -q " $STATE/" /proc/mounts; then
    die "mounts remain under $STATE; not deleting it"
  fi
  rm -rf "$STATE"
  log "removed $STATE"
else
  log "kept the image cache in $STATE (registry storage, image stamps); --purge removes it"
fi
CURRENT_STEP="done"
log "down.sh finished"

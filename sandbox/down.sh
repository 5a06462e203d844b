#!/usr/bin/env bash
# Tear down what sandbox/up.sh brought up, plus what a deployment created on the main daemon:
#   - XingRin containers (named xingrin-*/xingrin_*, or attached to xingrin_network), the network
#     xingrin_network, volumes with "xingrin" in their name, images pulled from the sandbox registry;
#   - the worker hosts (sshd, dockerd with all its containers and images, bridge);
#   - the registry process;
#   - the main dockerd, only if up.sh started it.
# Kept by default (so the next up.sh is warm): the registry's storage, image stamps, SSH keys.
# --purge also deletes the whole state dir.
# Idempotent: safe to run when nothing (or only part) is up.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
. "$here/lib/registry.sh"
. "$here/lib/workers.sh"
trap on_exit_report EXIT

purge=0
case "${1:-}" in
  --purge) purge=1 ;;
  "") ;;
  *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
esac

remove_deployment_from_main() {
  local ids names vols imgs
  if ! docker_main version >/dev/null 2>&1; then
    log "no main Docker daemon answers; nothing to remove there"
    return 0
  fi
  # Full ids from both sources, so one container found both ways is removed once.
  names=$(docker_main ps -a --no-trunc --format '{{.ID}} {{.Names}}' | awk '$2 ~ /^xingrin[-_]/ {print $1}')
  ids=$( { echo "$names"
           docker_main network inspect xingrin_network \
             --format '{{range $id, $c := .Containers}}{{$id}} {{end}}' 2>/dev/null || true
         } | tr ' ' '\n' | grep -v '^$' | sort -u || true)
  if [ -n "$ids" ]; then
    log "removing $(echo "$ids" | wc -l) XingRin container(s) on the main daemon"
    # shellcheck disable=SC2086
    docker_main rm -f $ids >/dev/null
  fi
  if docker_main network inspect xingrin_network >/dev/null 2>&1; then
    log "removing network xingrin_network"
    docker_main network rm xingrin_network >/dev/null
  fi
  vols=$(docker_main volume ls -q --filter name=xingrin)
  if [ -n "$vols" ]; then
    log "removing volume(s): $(tr '\n' ' ' <<<"$vols")"
    # shellcheck disable=SC2086
    docker_main volume rm $vols >/dev/null
  fi
  # Images the deployment pulled from the sandbox registry: the next deployment must pull again.
  imgs=$(docker_main images --format '{{.Repository}}:{{.Tag}}' | grep "^$REGISTRY_ADDR/" || true)
  if [ -n "$imgs" ]; then
    log "removing $(echo "$imgs" | wc -l) image tag(s) from $REGISTRY_ADDR on the main daemon"
    # shellcheck disable=SC2086
    docker_main image rm $imgs >/dev/null || warn "some sandbox images are still in use on the main daemon"
  fi
}

if [ ! -d "$STATE" ]; then
  log "no state dir $STATE: only cleaning XingRin resources on the main daemon"
fi
take_lock

step "XingRin resources on the main daemon"
remove_deployment_from_main

step "worker hosts"
# In parallel: each dockerd takes a few seconds to shut down.
pids=()
for wd in "$STATE"/workers/worker-*; do
  [ -d "$wd" ] || continue
  stop_worker "${wd##*/worker-}" & pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || die "stopping a worker host failed (message above)"; done

step "registry"
stop_registry

step "main docker daemon"
if [ -f "$MAIN_STARTED_MARK" ]; then
  # The mark holds the pid up.sh started; dockerd also wrote /var/run/docker.pid.
  cp "$MAIN_STARTED_MARK" "$STATE/main-dockerd.pid"
  stop_pidfile "$STATE/main-dockerd.pid" dockerd "main dockerd (started by up.sh)"
  rm -f "$MAIN_STARTED_MARK"
elif docker_main version >/dev/null 2>&1; then
  log "main dockerd was not started by up.sh: leaving it running"
fi

rm -f "$FLEET_JSON"
if [ "$purge" = 1 ]; then
  step "purge state dir"
  if grep -q " $STATE/" /proc/mounts; then
    die "mounts remain under $STATE; not deleting it"
  fi
  rm -rf "$STATE"
  log "removed $STATE"
fi
CURRENT_STEP="done"
log "down.sh finished"

# shellcheck shell=bash
# Step: the MAIN Docker daemon, the sandbox's stand-in for XingRin's main server. It is the
# sandbox's own dockerd: own socket, data-root, exec-root, bridge, address pool and containerd
# namespace, all under $STATE. It never reuses a daemon it did not start, so nothing the sandbox
# deploys or tears down can reach the machine's own Docker (or a real XingRin on it).
#
# --iptables=false: the machine's own dockerd (if any) owns the host's iptables chains; two
# daemons managing them would fight. Published ports then go through docker-proxy, which is all
# loopback publishing needs, and containers on one user network still reach each other by name.

main_daemon_answers() { docker_main version --format '{{.Server.Version}}' >/dev/null 2>&1; }

ensure_main_daemon() {
  ensure_bridge "$MAIN_BRIDGE" "$MAIN_BRIDGE_CIDR"
  if main_daemon_answers; then
    same_mount_namespace "$(cat "$MAIN_DIR/dockerd.pid")" $$ &&
      die "the main dockerd runs without a /opt/xingrin of its own (started by an older up.sh): run down.sh, then up.sh"
    log "main dockerd already running (pid $(cat "$MAIN_DIR/dockerd.pid")), socket $MAIN_DOCKER_SOCK"
    return 0
  fi
  mkdir -p "$MAIN_DIR/data" "$MAIN_DIR/exec" "$(host_opt_xingrin "$MAIN_DIR")"
  rm -f "$MAIN_DOCKER_SOCK"
  # As for the workers: a restarted daemon's old network store can delete other bridges.
  rm -rf "$MAIN_DIR/data/network"
  start_daemon "$MAIN_DIR/dockerd.log" "${OWN_OPT_XINGRIN[@]}" "$(host_opt_xingrin "$MAIN_DIR")" dockerd \
    --host "$MAIN_DOCKER_HOST" \
    --data-root "$MAIN_DIR/data" \
    --exec-root "$MAIN_DIR/exec" \
    --pidfile "$MAIN_DIR/dockerd.pid" \
    --bridge "$MAIN_BRIDGE" \
    --iptables=false --ip-masq=false \
    --default-address-pool "base=$MAIN_POOL,size=24" \
    --containerd-namespace xingrin-sandbox-main \
    --containerd-plugins-namespace xingrin-sandbox-main-plugins \
    --cgroup-parent /xingrin-sandbox-main >/dev/null
  wait_until 60 "main dockerd on $MAIN_DOCKER_SOCK" main_daemon_answers ||
    { tail -n 20 "$MAIN_DIR/dockerd.log" >&2; die "the main dockerd did not start; see $MAIN_DIR/dockerd.log"; }
  log "main dockerd started (pid $(cat "$MAIN_DIR/dockerd.pid")), socket $MAIN_DOCKER_SOCK"
}

stop_main_daemon() {
  if main_daemon_answers; then
    local ids
    ids=$(docker_main ps -aq)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || docker_main rm -f $ids >/dev/null || warn "could not remove every container on the main daemon"
  fi
  stop_pidfile "$MAIN_DIR/dockerd.pid" dockerd "main dockerd"
  { grep -o " $MAIN_DIR/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$MAIN_DIR"
  if ip link show "$MAIN_BRIDGE" >/dev/null 2>&1; then ip link del "$MAIN_BRIDGE"; fi
  return 0
}

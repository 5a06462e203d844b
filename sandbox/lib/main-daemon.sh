# shellcheck shell=bash
# Step: the MAIN Docker daemon (the XingRin "main server" the deployment targets).
# Reuse any daemon already answering on /var/run/docker.sock; otherwise start Debian's dockerd
# in the background and remember that we did, so down.sh stops only what up.sh started.

main_daemon_answers() { docker_main version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# try_start_main_dockerd EXTRA_ARGS...: start dockerd, wait for the socket. Returns 1 on failure.
try_start_main_dockerd() {
  local log_file=$STATE/dockerd-main.log pid
  # A stale socket (daemon died uncleanly) makes clients hang/fail confusingly; dockerd recreates it.
  [ -S "$MAIN_DOCKER_SOCK" ] && rm -f "$MAIN_DOCKER_SOCK"
  echo "--- $(date) dockerd $*" >>"$log_file"
  pid=$(start_daemon "$log_file" dockerd --host "$MAIN_DOCKER_HOST" --pidfile /var/run/docker.pid "$@")
  if wait_until 60 "main dockerd on $MAIN_DOCKER_SOCK" main_daemon_answers; then
    echo "$pid" >"$MAIN_STARTED_MARK"
    log "main dockerd started (pid $pid, args: ${*:-none}), log $log_file"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  sleep 2
  return 1
}

ensure_main_daemon() {
  if main_daemon_answers; then
    # A mark left by an earlier up.sh whose dockerd has since died must not make down.sh
    # believe it owns the daemon that answers now.
    if [ -f "$MAIN_STARTED_MARK" ] && ! pid_alive "$MAIN_STARTED_MARK" dockerd; then
      rm -f "$MAIN_STARTED_MARK"
    fi
    log "a Docker daemon already answers on $MAIN_DOCKER_SOCK: using it"
    return 0
  fi
  rm -f "$MAIN_STARTED_MARK"
  # Plain dockerd works on these machines (iptables via nf_tables). Published ports and
  # container-name DNS on xingrin_network need its iptables rules, so --iptables=false is only
  # a fallback for kernels without netfilter; published ports then go through docker-proxy.
  try_start_main_dockerd && return 0
  warn "dockerd did not come up with default settings; last log lines:"
  tail -n 15 "$STATE/dockerd-main.log" >&2 || true
  warn "retrying with --iptables=false"
  try_start_main_dockerd --iptables=false && return 0
  die "could not start the main dockerd; see $STATE/dockerd-main.log"
}

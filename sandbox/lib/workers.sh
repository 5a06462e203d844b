# shellcheck shell=bash
# Step: the worker hosts. Worker N is simulated on this machine by
#   - its own Docker daemon (own data-root, exec-root, pidfile, socket, containerd namespace and
#     cgroup parent) attached to its own pre-created bridge xr-wN. A second daemon started with
#     --bridge=none deletes the main daemon's docker0, so each gets a bridge we create, and
#     --iptables=false keeps it from rewriting the main daemon's NAT rules;
#   - its own sshd on 10.200.N.1:22 (its bridge's address, common.sh), whose sshd_config has
#     `SetEnv DOCKER_HOST=unix://<that daemon's socket>`, so `ssh root@10.200.N.1 docker ...`
#     talks to that host's daemon, as it would on a real remote host. The deployment logs in with
#     the sandbox's key; XingRin's dispatcher and agent updater log in with the password its
#     worker record holds (contract §6-7), which is root's password in this host's own
#     /etc/shadow (bind-mounted in its mount namespace; the machine's root password is untouched).
#   - its own /opt/xingrin (common.sh, OWN_OPT_XINGRIN): dockerd and sshd share a mount namespace
#     whose /opt/xingrin is $STATE/workers/worker-N/opt-xingrin, so what a scan or the stage writes
#     there stays on that host, as on a real one. Everything else of the filesystem is shared.

ensure_worker_daemon() {
  local n=$1 wd sock
  wd=$(worker_dir "$n"); sock=$(worker_sock "$n")
  # Unix socket paths are limited to 108 bytes; containerd's lives deeper under exec-root.
  [ "${#wd}" -le 60 ] || die "state dir path too long for unix sockets: $wd (set XINGRIN_SANDBOX_DIR shorter)"
  ensure_bridge "$(worker_bridge "$n")" "$(worker_bridge_cidr "$n")"
  if docker_worker "$n" version >/dev/null 2>&1; then
    same_mount_namespace "$(cat "$wd/dockerd.pid")" $$ &&
      die "$(worker_name "$n"): dockerd runs without a /opt/xingrin of its own (started by an older up.sh): run down.sh, then up.sh"
    log "$(worker_name "$n"): dockerd already running"
    return 0
  fi
  mkdir -p "$wd/data" "$wd/exec" "$(host_opt_xingrin "$wd")"
  rm -f "$sock"
  # Seen here: a worker dockerd restarted on its old network store (after a crash or kill)
  # deletes the MAIN daemon's docker0 at startup. Starting with no network store avoids it;
  # containers that survive get their endpoints recreated on the bridge.
  rm -rf "$wd/data/network"
  start_daemon "$wd/dockerd.log" "${OWN_OPT_XINGRIN[@]}" "$(host_opt_xingrin "$wd")" dockerd \
    --host "unix://$sock" \
    --data-root "$wd/data" \
    --exec-root "$wd/exec" \
    --pidfile "$wd/dockerd.pid" \
    --bridge "$(worker_bridge "$n")" \
    --iptables=false --ip-masq=false \
    --default-address-pool "base=$(worker_pool "$n"),size=24" \
    --containerd-namespace "xingrin-worker-$n" \
    --containerd-plugins-namespace "xingrin-worker-$n-plugins" \
    --cgroup-parent "/xingrin-sandbox-worker-$n" >/dev/null
  wait_until 60 "$(worker_name "$n") dockerd on $sock" docker_worker "$n" version ||
    { tail -n 20 "$wd/dockerd.log" >&2; die "$(worker_name "$n") dockerd did not start; see $wd/dockerd.log"; }
  log "$(worker_name "$n"): dockerd started (pid $(cat "$wd/dockerd.pid")), socket $sock"
}

ensure_client_key() {
  mkdir -p "$SSH_DIR"
  chmod 700 "$SSH_DIR"
  [ -f "$SSH_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C xingrin-sandbox-client -f "$SSH_KEY"
  cp "$SSH_KEY.pub" "$SSH_DIR/authorized_keys"
  chmod 600 "$SSH_DIR/authorized_keys"
}

# port_taken_by_other ADDR PORT: some listener other than our own sshd covers ADDR:PORT.
port_taken_by_other() {
  local addr=$1 port=$2
  ss -Hltn "( sport = :$port )" | awk '{print $4}' |
    grep -qE "^(0\.0\.0\.0|\*|\[::\]|\[::ffff:0\.0\.0\.0\]|${addr//./\\.}):$port$"
}

choose_ssh_port() {
  local n=$1 addr wd port
  addr=$(worker_addr "$n"); wd=$(worker_dir "$n")
  if pid_alive "$wd/sshd.pid" sshd && [ -s "$wd/ssh.port" ]; then
    cat "$wd/ssh.port"; return 0
  fi
  for port in "$SSH_PORT_WANTED" 2222 2223 2224; do
    if ! port_taken_by_other "$addr" "$port"; then echo "$port"; return 0; fi
    warn "port $addr:$port is already in use by another process; trying the next port"
  done
  die "no free SSH port for $addr"
}

# ensure_worker_root_password N: in worker N's mount namespace, /etc/shadow is a copy of the
# machine's whose root entry has the password the stack gives XingRin for that host
# (fleet-json.sh, worker_xingrin_password), so password logins work there and nowhere else.
ensure_worker_root_password() {
  local n=$1 wd pid hash
  wd=$(worker_dir "$n"); pid=$(cat "$wd/dockerd.pid")
  grep -q ' /etc/shadow ' "/proc/$pid/mountinfo" && return 0
  hash=$(openssl passwd -6 -stdin <<<"$(worker_xingrin_password "$n")") || die "openssl passwd failed"
  awk -F: -v OFS=: -v hash="$hash" '$1 == "root" { $2 = hash } { print }' /etc/shadow >"$wd/shadow"
  chmod 600 "$wd/shadow"
  in_mount_namespace_of "$pid" mount --bind "$wd/shadow" /etc/shadow ||
    die "$(worker_name "$n"): could not give its mount namespace its own /etc/shadow"
}

ensure_worker_sshd() {
  local n=$1 wd addr port cfg
  wd=$(worker_dir "$n"); addr=$(worker_addr "$n"); cfg=$wd/sshd_config
  mkdir -p /run/sshd && chmod 755 /run/sshd   # sshd's privilege-separation directory
  [ -f "$wd/ssh_host_ed25519_key" ] ||
    ssh-keygen -q -t ed25519 -N '' -C "$(worker_name "$n")" -f "$wd/ssh_host_ed25519_key"
  if pid_alive "$wd/sshd.pid" "$cfg"; then
    if same_mount_namespace "$(cat "$wd/sshd.pid")" "$(cat "$wd/dockerd.pid")" &&
       grep -qx "ListenAddress $addr:$(cat "$wd/ssh.port")" "$cfg" && grep -qx "PasswordAuthentication yes" "$cfg"; then
      log "$(worker_name "$n"): sshd already running on $addr:$(cat "$wd/ssh.port")"
      return 0
    fi
    stop_pidfile "$wd/sshd.pid" sshd "$(worker_name "$n") sshd (started by an older up.sh)"
  fi
  ensure_worker_root_password "$n"
  port=$(choose_ssh_port "$n")
  [ "$port" = "$SSH_PORT_WANTED" ] ||
    warn "$(worker_name "$n"): port $SSH_PORT_WANTED on $addr unusable, sshd uses port $port (see sandbox.json)"
  cat >"$cfg" <<CFG
# Written by sandbox/lib/workers.sh: simulated XingRin worker host $(worker_name "$n").
ListenAddress $addr:$port
HostKey $wd/ssh_host_ed25519_key
PidFile $wd/sshd.pid
AuthorizedKeysFile $SSH_DIR/authorized_keys
PermitRootLogin yes
PubkeyAuthentication yes
# XingRin's dispatcher and agent updater log in with the worker record's password (paramiko).
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
PrintMotd no
# This host's own Docker daemon, for every session (docker CLI reads DOCKER_HOST).
SetEnv DOCKER_HOST=unix://$(worker_sock "$n") XINGRIN_SANDBOX_HOST=$(worker_name "$n")
# A deployment opens many sessions at once (one per remote command).
MaxStartups 100:30:200
MaxSessions 64
Subsystem sftp internal-sftp
CFG
  /usr/sbin/sshd -t -f "$cfg" || die "invalid sshd config $cfg"
  echo "$port" >"$wd/ssh.port"
  # sshd daemonizes itself and writes PidFile; -E sends its log to a file.
  # In its dockerd's mount namespace: sessions see this host's /opt/xingrin.
  in_mount_namespace_of "$(cat "$wd/dockerd.pid")" /usr/sbin/sshd -f "$cfg" -E "$wd/sshd.log" </dev/null 9>&- ||
    { tail -n 20 "$wd/sshd.log" >&2; die "sshd for $(worker_name "$n") failed to start"; }
  wait_until 10 "sshd on $addr:$port" bash -c "exec 3<>/dev/tcp/$addr/$port" ||
    { tail -n 20 "$wd/sshd.log" >&2; die "sshd for $(worker_name "$n") does not listen on $addr:$port"; }
  log "$(worker_name "$n"): sshd listening on $addr:$port (pid $(cat "$wd/sshd.pid"))"
}

# known_hosts for all workers, in the format ssh's UserKnownHostsFile expects.
write_known_hosts() {
  local n port key
  : >"$KNOWN_HOSTS.tmp"
  for n in $(seq 1 "$WORKER_COUNT"); do
    port=$(cat "$(worker_dir "$n")/ssh.port")
    key=$(cut -d' ' -f1,2 "$(worker_dir "$n")/ssh_host_ed25519_key.pub")
    if [ "$port" = 22 ]; then
      echo "$(worker_addr "$n") $key" >>"$KNOWN_HOSTS.tmp"
    else
      echo "[$(worker_addr "$n")]:$port $key" >>"$KNOWN_HOSTS.tmp"
    fi
  done
  mv "$KNOWN_HOSTS.tmp" "$KNOWN_HOSTS"
  # Convenience: `ssh -F $SSH_DIR/config worker-1 docker ps`.
  : >"$SSH_DIR/config"
  for n in $(seq 1 "$WORKER_COUNT"); do
    cat >>"$SSH_DIR/config" <<CFG
Host $(worker_name "$n")
  HostName $(worker_addr "$n")
  Port $(cat "$(worker_dir "$n")/ssh.port")
  User root
  IdentityFile $SSH_KEY
  IdentitiesOnly yes
  UserKnownHostsFile $KNOWN_HOSTS
  StrictHostKeyChecking yes
CFG
  done
}

# Prove the worker is usable the way the deployment will use it: over SSH (host key verified),
# the session's docker talks to this host's daemon, and that daemon pulls from the registry
# and runs a container. Uses the probe image so the XingRin images' log counts stay untouched.
verify_worker() {
  local n=$1 root want probe=$REGISTRY_ADDR/$PROBE_REPO:$PROBE_TAG
  want=$(worker_dir "$n")/data
  root=$(ssh_worker "$n" 'docker info --format "{{.DockerRootDir}}"') ||
    die "ssh root@$(worker_addr "$n") docker info failed"
  [ "$root" = "$want" ] || die "$(worker_name "$n"): ssh session's docker uses $root, expected $want"
  ssh_worker "$n" "docker pull -q $probe >/dev/null && docker run --rm $probe cat /SERVICE && docker image rm $probe >/dev/null" |
    grep -qx probe || die "$(worker_name "$n"): could not pull and run $probe from the registry"
  log "$(worker_name "$n"): verified (ssh -> own daemon $root; pull from $REGISTRY_ADDR; run)"
}

ensure_workers() {
  local n
  ensure_client_key
  for n in $(seq 1 "$WORKER_COUNT"); do
    mkdir -p "$(worker_dir "$n")"
    ensure_worker_daemon "$n"
    ensure_worker_sshd "$n"
  done
  # Guard for the pitfall above: the main daemon's containers need its bridge.
  ip link show "$MAIN_BRIDGE" >/dev/null 2>&1 ||
    die "$MAIN_BRIDGE vanished while starting the worker daemons; run down.sh, then up.sh"
  write_known_hosts
  # Verify all workers at once (each check is a pull + run, mostly waiting).
  local pids=() pid
  for n in $(seq 1 "$WORKER_COUNT"); do verify_worker "$n" & pids+=($!); done
  for pid in "${pids[@]}"; do
    wait "$pid" || die "a worker failed verification (message above)"
  done
}

stop_worker() {
  local n=$1 wd ids
  wd=$(worker_dir "$n")
  stop_pidfile "$wd/sshd.pid" sshd "$(worker_name "$n") sshd"
  if docker_worker "$n" version >/dev/null 2>&1; then
    ids=$(docker_worker "$n" ps -aq)
    if [ -n "$ids" ]; then
      log "$(worker_name "$n"): removing containers"
      # shellcheck disable=SC2086
      docker_worker "$n" rm -f $ids >/dev/null || warn "could not remove all containers on $(worker_name "$n")"
    fi
  fi
  stop_pidfile "$wd/dockerd.pid" dockerd "$(worker_name "$n") dockerd"
  # Fresh host next time: drop its images/containers (the registry keeps the image cache).
  # Unmount anything a killed daemon left behind before deleting.
  { grep -o " $wd/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$wd/data" "$wd/exec" "$(worker_sock "$n")"
  ip link show "$(worker_bridge "$n")" >/dev/null 2>&1 && ip link del "$(worker_bridge "$n")"
  return 0
}

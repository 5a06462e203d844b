# shellcheck shell=bash
# Shared settings and helpers for up.sh / down.sh / check.sh. Sourced, never run.
#
# Everything the sandbox creates lives in $STATE (outside the repo), so a lead can wipe it with
# `down.sh --purge` and CI starts from nothing on a fresh machine.

SANDBOX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${XINGRIN_SANDBOX_DIR:-/var/lib/xingrin-sandbox}

# The fleet's shape. Overridable for experiments; the defaults are what sandbox.json describes.
REGISTRY_ADDR=${XINGRIN_SANDBOX_REGISTRY:-127.0.0.1:5000}
NAMESPACE=yyhuni
# v1.2.0 migrates the schema (images/server/root/app/migrations); v1.2.1 does not, so v1.2.0 <-> v1.2.1
# is an update and a rollback without a migration.
TAGS=(v1.1.0 v1.2.0 v1.2.1)
SERVICES=(server frontend nginx agent worker postgres)
REDIS_REPO=library/redis
REDIS_TAG=7-alpine
WORKER_COUNT=${XINGRIN_SANDBOX_WORKERS:-2}
SSH_PORT_WANTED=${XINGRIN_SANDBOX_SSH_PORT:-22}
# The main server's daemon is the sandbox's own (lib/main-daemon.sh), never the machine's.
MAIN_DIR=$STATE/main
MAIN_DOCKER_SOCK=$MAIN_DIR/docker.sock
MAIN_DOCKER_HOST=unix://$MAIN_DOCKER_SOCK
MAIN_BRIDGE=xr-main
MAIN_BRIDGE_CIDR=10.198.0.1/24
MAIN_POOL=10.199.0.0/16
# The main server's address as remote workers see it (its PUBLIC_HOST): the main bridge's own
# address on this machine, which every worker host's containers reach through their gateway. Ports
# published on loopback would not be reachable from them, as on a real fleet.
SANDBOX_PUBLIC_HOST=${MAIN_BRIDGE_CIDR%/*}
# What a sandbox deployment writes on its hosts (the stack's dataDir; tlsCertDir below it), and
# where the sandbox stack keeps its state: both go with down.sh.
SANDBOX_DATA_DIR=$STATE/data
PULUMI_STATE_DIR=$STATE/pulumi-state

# Paths inside $STATE.
REGISTRY_LOG=$STATE/registry.log           # access log only: one line per HTTP request
REGISTRY_APP_LOG=$STATE/registry-app.log   # the registry's own (structured) log
SSH_DIR=$STATE/ssh
SSH_KEY=$SSH_DIR/id_ed25519
KNOWN_HOSTS=$SSH_DIR/known_hosts
FLEET_JSON=$STATE/sandbox.json

# Per-worker naming. Worker N (1-based): bridge xr-wN with 10.200.N.1/24, its own default address
# pool so networks it creates never overlap the main daemon's (all daemons share this host's
# routing table), and its address 10.200.N.1 (the bridge's own): sshd listens there, so both the
# deployment (from this machine) and XingRin's server (from a container on the main bridge, over
# the host's routing) reach the worker at the one address its record holds, as on a real fleet.
# A loopback address would not do: inside the server's container it is the container itself.
worker_name()    { echo "worker-$1"; }
worker_dir()     { echo "$STATE/workers/worker-$1"; }
worker_addr()    { local cidr; cidr=$(worker_bridge_cidr "$1"); echo "${cidr%/*}"; }
worker_bridge()  { echo "xr-w$1"; }
worker_bridge_cidr() { echo "10.200.$1.1/24"; }
worker_pool()    { echo "10.$((200 + $1)).0.0/16"; }
worker_sock()    { echo "$(worker_dir "$1")/docker.sock"; }

# --- logging and failure reporting -------------------------------------------------------

CURRENT_STEP="(start)"
log()  { printf '%s [sandbox] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
warn() { printf '%s [sandbox] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { printf '%s [sandbox] ERROR in step "%s": %s\n' "$(date +%H:%M:%S)" "$CURRENT_STEP" "$*" >&2; exit 1; }
step() { CURRENT_STEP=$1; log "==> $1"; }

# On any unexpected failure (set -e), name the step that was running.
on_exit_report() {
  local rc=$?
  # 3 is a refusal (lib/guard.sh), already explained.
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    printf '%s [sandbox] FAILED (exit %s) during step: %s. Logs are under %s\n' \
      "$(date +%H:%M:%S)" "$rc" "$CURRENT_STEP" "$STATE" >&2
  fi
}

# wait_until SECONDS DESCRIPTION CMD...: poll CMD every 0.2 s.
wait_until() {
  local timeout=$1 what=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      warn "timed out after ${timeout}s waiting for: $what"
      return 1
    fi
    sleep 0.2
  done
}

# take_lock: one up.sh/down.sh at a time (they start and stop the same daemons). The lock is
# fd 9; everything long-lived we start must close it (see start_daemon).
take_lock() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w 600 9 || die "another up.sh/down.sh holds $STATE/.lock"
}

# --- processes ---------------------------------------------------------------------------

# pid_alive PIDFILE PATTERN: the pid in PIDFILE is running and its command line contains PATTERN
# (guards against a stale pidfile whose pid was reused by something else).
pid_alive() {
  local pidfile=$1 pattern=$2 pid
  [ -s "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  proc_running "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern"
}

# proc_running PID: alive and not a zombie (daemons that double-forked are reaped by PID 1,
# which may take a while here, so /proc/PID alone is not proof of life).
proc_running() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# stop_pidfile PIDFILE PATTERN NAME: TERM the process, wait up to 30 s, then KILL.
stop_pidfile() {
  local pidfile=$1 pattern=$2 name=$3 pid _
  if ! pid_alive "$pidfile" "$pattern"; then
    rm -f "$pidfile"
    return 0
  fi
  pid=$(cat "$pidfile")
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    proc_running "$pid" || break
    sleep 0.2
  done
  if proc_running "$pid"; then
    warn "$name (pid $pid) ignored SIGTERM for 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$pidfile"
}

# Each sandbox host has its own /opt/xingrin, as real hosts do: XingRin's task distributor mounts
# /opt/xingrin of whichever host runs a scan, and the program's dataDir is that path. So each
# host's Docker daemon (and a worker's sshd) runs in a mount namespace of its own, where /opt is
# a private tmpfs and /opt/xingrin is bind-mounted from the host's directory under $STATE. The
# machine's own /opt/xingrin is never read or written.
# OWN_OPT_XINGRIN DIR CMD...: exec CMD in such a namespace whose /opt/xingrin is DIR.
OWN_OPT_XINGRIN=(unshare --mount --propagation private -- sh -c
  'mount -t tmpfs -o mode=755 xingrin-sandbox-opt /opt && mkdir /opt/xingrin && mount --bind "$0" /opt/xingrin && exec "$@"')
host_opt_xingrin() { echo "$1/opt-xingrin"; }   # $1: the host's directory (MAIN_DIR or worker_dir N)

# in_mount_namespace_of PID CMD...: run CMD in the mount namespace of process PID.
in_mount_namespace_of() { local pid=$1; shift; nsenter --mount="/proc/$pid/ns/mnt" -- "$@"; }
# same_mount_namespace PID1 PID2
same_mount_namespace() { [ "$(readlink "/proc/$1/ns/mnt")" = "$(readlink "/proc/$2/ns/mnt")" ]; }

# start_daemon LOGFILE CMD...: run CMD detached from this script (own session, no inherited
# stdio) so up.sh can exit and its caller's pipes close. Prints the pid.
start_daemon() {
  local logfile=$1; shift
  # Without job control a background job is not a process-group leader, so setsid does not
  # fork again and $! is the daemon's own pid.
  # 9>&- : do not let the daemon inherit (and so hold forever) the lock of take_lock.
  setsid "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  echo $!
}

docker_main()   { docker -H "$MAIN_DOCKER_HOST" "$@"; }

# ensure_bridge NAME CIDR: a bridge of the sandbox's own, for one of its daemons.
ensure_bridge() {
  local br=$1 cidr=$2
  ip link show "$br" >/dev/null 2>&1 || ip link add "$br" type bridge ||
    die "cannot create bridge $br (needs CAP_NET_ADMIN)"
  if ! ip -4 -o addr show dev "$br" | grep -q " ${cidr} "; then
    ip addr flush dev "$br"
    ip addr add "$cidr" dev "$br"
  fi
  ip link set "$br" up
}
docker_worker() { local n=$1; shift; docker -H "unix://$(worker_sock "$n")" "$@"; }

# ssh_worker N CMD...: run CMD on worker N the way the deployment will: key auth, host key
# verified against our known_hosts, no user ssh config.
ssh_worker() {
  local n=$1; shift
  local port
  port=$(cat "$(worker_dir "$n")/ssh.port")
  ssh -F /dev/null -i "$SSH_KEY" -o IdentitiesOnly=yes -o BatchMode=yes \
      -o UserKnownHostsFile="$KNOWN_HOSTS" -o StrictHostKeyChecking=yes \
      -o ConnectTimeout=5 -p "$port" "root@$(worker_addr "$n")" "$@"
}

#!/usr/bin/env bash
# A second registry, reached only over a link of limited bandwidth, for the benchmark
# (npm run bench). Pulls from the sandbox's own registry on loopback cost nothing; operators pull
# from Docker Hub or a mirror over a real link, and that is what this stands in for.
#
#   bash sandbox/limited-registry.sh up MBIT    start it (or re-shape a running one to MBIT)
#   bash sandbox/limited-registry.sh down       stop it and remove its namespace (keeps its storage)
#
# Layout: the registry runs in its own network namespace (xr-bench-link), joined to this host by a
# veth pair 10.197.0.1 <-> 10.197.0.2. The registry's side shapes everything it sends (tc tbf):
# every pull of every host in the fleet crosses that one link, as they would share an uplink.
# Docker daemons treat only loopback registries as plain-HTTP by default, so socat relays
# 127.0.0.1:5100 to the namespace; the relay adds no limit of its own. Pushes go the other way
# and are not shaped. The registry's storage is kept in the image cache dir across runs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
. "$here/lib/packages.sh"

NETNS=xr-bench-link
HOST_IF=xrbl0
NS_IF=xrbl1
HOST_IP=10.197.0.1
NS_IP=10.197.0.2
LINK_PORT=5000
RELAY_ADDR=127.0.0.1:5100
LINK_DIR=$STATE/limited-registry
STORAGE=${XINGRIN_BENCH_REGISTRY_STORAGE:-/var/cache/xingrin-deploy/bench-registry}

shape() {
  local mbit=$1
  # burst: at least one full-size (GSO) packet; the queue holds ~50 ms at the rate.
  ip netns exec "$NETNS" tc qdisc replace dev "$NS_IF" root tbf rate "${mbit}mbit" burst 256kb latency 50ms
  log "limited link: ${mbit} Mbit/s from the registry to the fleet"
}

link_up() {
  ip netns list | grep -qw "$NETNS" || ip netns add "$NETNS"
  if ! ip link show "$HOST_IF" >/dev/null 2>&1; then
    ip link add "$HOST_IF" type veth peer name "$NS_IF" netns "$NETNS"
    ip addr add "$HOST_IP/30" dev "$HOST_IF"
    ip link set "$HOST_IF" up
    ip netns exec "$NETNS" ip addr add "$NS_IP/30" dev "$NS_IF"
    ip netns exec "$NETNS" ip link set "$NS_IF" up
    ip netns exec "$NETNS" ip link set lo up
  fi
}

registry_up() {
  mkdir -p "$LINK_DIR" "$STORAGE"
  if pid_alive "$LINK_DIR/registry.pid" docker-registry; then return 0; fi
  cat >"$LINK_DIR/config.yml" <<YAML
# Written by sandbox/limited-registry.sh.
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $STORAGE
  cache:
    blobdescriptor: inmemory
http:
  addr: $NS_IP:$LINK_PORT
YAML
  start_daemon "$LINK_DIR/registry.log" ip netns exec "$NETNS" docker-registry serve "$LINK_DIR/config.yml" >"$LINK_DIR/registry.pid"
  wait_until 20 "registry behind the limited link" curl -fs -o /dev/null --max-time 2 "http://$NS_IP:$LINK_PORT/v2/" ||
    { tail -n 20 "$LINK_DIR/registry.log" >&2; die "the limited registry did not start; see $LINK_DIR/registry.log"; }
}

relay_up() {
  if pid_alive "$LINK_DIR/relay.pid" socat; then return 0; fi
  start_daemon "$LINK_DIR/relay.log" socat "TCP-LISTEN:${RELAY_ADDR##*:},bind=${RELAY_ADDR%%:*},reuseaddr,fork" "TCP:$NS_IP:$LINK_PORT" >"$LINK_DIR/relay.pid"
  wait_until 20 "relay on $RELAY_ADDR" curl -fs -o /dev/null --max-time 2 "http://$RELAY_ADDR/v2/" ||
    die "the relay on $RELAY_ADDR did not start; see $LINK_DIR/relay.log"
}

down() {
  stop_pidfile "$LINK_DIR/relay.pid" socat "limited-link relay"
  stop_pidfile "$LINK_DIR/registry.pid" docker-registry "limited registry"
  ip link show "$HOST_IF" >/dev/null 2>&1 && ip link del "$HOST_IF"
  ip netns list | grep -qw "$NETNS" && ip netns del "$NETNS"
  rm -rf "$LINK_DIR"
  return 0
}

case "${1:-}" in
  up)
    mbit=${2:?usage: $0 up MBIT}
    [[ $mbit =~ ^[0-9]+$ ]] && [ "$mbit" -gt 0 ] || die "MBIT must be a whole number of Mbit/s above 0, not '$mbit'"
    step "limited registry"
    ensure_packages
    link_up
    shape "$mbit"
    registry_up
    relay_up
    log "limited registry: pull from $RELAY_ADDR, push to $NS_IP:$LINK_PORT (storage $STORAGE)"
    ;;
  down) down ;;
  *) echo "usage: $0 up MBIT | down" >&2; exit 2 ;;
esac

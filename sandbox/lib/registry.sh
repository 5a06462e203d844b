# shellcheck shell=bash
# Step: the container registry (Debian's docker-registry = distribution v2) on 127.0.0.1:5000.
#
# Its access log (stdout) goes to $STATE/registry.log, one Apache-combined line per request:
#   127.0.0.1 - - [29/Nov/2026:03:10:00 +0000] "GET /v2/yyhuni/xingrin-worker/manifests/v1.1.0 HTTP/1.1" 200 ...
# Tests count manifest GETs per repo+tag there. The structured app log (stderr, which repeats
# every URI in "response completed" lines) goes to registry-app.log so counts stay one per request.

REGISTRY_DIR=$STATE/registry
REGISTRY_PID=$STATE/registry.pid

registry_answers() { curl -fs -o /dev/null --max-time 2 "http://$REGISTRY_ADDR/v2/"; }

write_registry_config() {
  mkdir -p "$REGISTRY_DIR/data"
  cat >"$REGISTRY_DIR/config.yml" <<YAML
# Written by sandbox/lib/registry.sh. No auth: the registry only listens on loopback, and
# Docker treats 127.0.0.0/8 registries as insecure (plain HTTP) by default.
version: 0.1
log:
  level: info
  formatter: text
  accesslog:
    disabled: false
  fields:
    service: registry
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $REGISTRY_ADDR
  headers:
    X-Content-Type-Options: [nosniff]
YAML
}

ensure_registry() {
  if pid_alive "$REGISTRY_PID" docker-registry && registry_answers; then
    log "registry already running on $REGISTRY_ADDR (pid $(cat "$REGISTRY_PID"))"
    return 0
  fi
  if registry_answers; then
    die "something that is not our registry already answers on $REGISTRY_ADDR; stop it or set XINGRIN_SANDBOX_REGISTRY"
  fi
  write_registry_config
  touch "$REGISTRY_LOG" "$REGISTRY_APP_LOG"
  # stdout = access log, stderr = app log (see top of file).
  setsid docker-registry serve "$REGISTRY_DIR/config.yml" \
    </dev/null >>"$REGISTRY_LOG" 2>>"$REGISTRY_APP_LOG" 9>&- &
  echo $! >"$REGISTRY_PID"
  wait_until 20 "registry on $REGISTRY_ADDR" registry_answers ||
    { tail -n 20 "$REGISTRY_APP_LOG" >&2; die "registry did not start; see $REGISTRY_APP_LOG"; }
  log "registry started (pid $(cat "$REGISTRY_PID")) on $REGISTRY_ADDR; access log $REGISTRY_LOG"
}

stop_registry() { stop_pidfile "$REGISTRY_PID" docker-registry registry; }

# registry_digest REPO TAG: the manifest digest the registry holds for REPO:TAG, or nothing.
# Read from the registry's storage (filesystem driver layout) rather than asked over HTTP, so
# up.sh adds no "HEAD/GET .../manifests/TAG" lines to the access log that tests count.
registry_digest() {
  local link=$REGISTRY_DIR/data/docker/registry/v2/repositories/$1/_manifests/tags/$2/current/link
  [ -f "$link" ] && cat "$link"
  return 0
}

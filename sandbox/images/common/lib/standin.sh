# Sourced by every stand-in's scripts (installed as /usr/local/lib/standin.sh).
# /VERSION is written at image build time: it is the version the image really contains,
# whatever IMAGE_TAG the deployment passes in.
STANDIN_VERSION=$(cat /VERSION 2>/dev/null || echo unknown)
STANDIN_SERVICE=$(cat /SERVICE 2>/dev/null || echo standin)

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) xingrin-$STANDIN_SERVICE $STANDIN_VERSION: $*"; }

# json_str VALUE: VALUE as a JSON string literal (escapes \ and ", drops control characters).
json_str() { printf '"%s"' "$(printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

# supervise STOP_SIGNAL CMD...: run CMD as the service's main process, stopping it with
# STOP_SIGNAL when the container is stopped (SIGTERM), as an image's STOPSIGNAL would: Docker 20.10
# cannot set STOPSIGNAL on an image built with `docker commit`. A shell running as PID 1 ignores
# SIGTERM unless it traps it, which would make every `docker stop` wait the full 10 s timeout.
# SIGHUP is passed on (a reload). Exits with CMD's status.
supervise() {
  _stop=$1; shift
  "$@" &
  _child=$!
  trap 'log "stopping (signal)"; kill -"$_stop" "$_child" 2>/dev/null' TERM INT
  trap 'kill -HUP "$_child" 2>/dev/null' HUP
  while :; do
    wait "$_child"
    _rc=$?
    kill -0 "$_child" 2>/dev/null || break
  done
  log "main process exited with status $_rc"
  exit "$_rc"
}

# serve CMD...: run CMD as the service's main process, stopped with SIGTERM.
serve() { supervise TERM "$@"; }

# sleep_forever: an idle main process that still reacts to signals.
sleep_forever() { while :; do sleep 3600; done; }
